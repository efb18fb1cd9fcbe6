using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>Real silo kills and superseded activations on the shared Raft test cluster.</summary>
[Collection(RaftCollection.Name)]
public sealed class RaftGrainFaultTests(RaftClusterFixture fixture)
{
    [Fact]
    public async Task LeaderSiloKilled_NewLeaderIsElectedAndNoCommittedEntryIsLost()
    {
        var cluster = fixture.Cluster;
        await using var t = new RaftGroupTester(cluster, 3, "leaderkill");
        await t.StartAsync();
        var committed = new Dictionary<long, int>();
        for (var command = 1; command <= 15; command++)
        {
            committed[await t.OneAsync(command, 3, retry: true)] = command;
        }

        // The primary silo holds the test cluster's membership and must live: move leadership off it first.
        var leader = await t.CheckOneLeaderAsync();
        for (var attempt = 0; attempt < 20 && IsPrimary(cluster, (await t.StateAsync(leader)).Silo); attempt++)
        {
            await t.CrashAsync(leader);
            await t.RestartAsync(leader);
            t.Connect(leader);
            leader = await t.CheckOneLeaderAsync();
        }

        var doomed = (await t.StateAsync(leader)).Silo;
        Assert.False(IsPrimary(cluster, doomed), "could not get the leader off the primary silo");
        await cluster.KillSiloAsync(cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == doomed));
        await cluster.StartAdditionalSiloAsync();

        var after = await t.OneAsync(1000, 3, retry: true);
        for (var i = 0; i < 3; i++)
        {
            var state = await t.StateAsync(i);
            Assert.NotEqual(doomed, state.Silo);
            Assert.True(state.LastApplied >= after, $"{RaftGroupTester.PeerId(i)} applied up to {state.LastApplied}, not {after}");
        }

        foreach (var (index, command) in committed)
        {
            Assert.True(t.Applied.TryGetLogged(index, out var value) && value == command, $"committed {command} at {index} is gone");
        }

        // The peer that came back next to another one is moved by its leader onto the new silo.
        await DistinctSilosAsync(t, TimeSpan.FromSeconds(30));
        Assert.Empty(t.Applied.Errors);
    }

    [Fact]
    public async Task ThePeersOfEachGroup_RunOnDistinctSilos()
    {
        for (var g = 0; g < 3; g++)
        {
            await using var t = new RaftGroupTester(fixture.Cluster, 3, $"spread{g}");
            await t.StartAsync();
            await t.OneAsync(1, 3, retry: true);
            var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(async i => (await t.StateAsync(i)).Silo));
            Assert.True(silos.Distinct().Count() == 3, $"group {t.Group}: peers on {string.Join(", ", silos)}");
        }
    }

    [Fact]
    public async Task SupersededActivation_NeitherVotesNorAcknowledges()
    {
        await using var t = await StartGroupAsync("fencing");
        var leader = await t.CheckOneLeaderAsync();
        var follower = (leader + 1) % 3;
        var candidate = (leader + 2) % 3;

        // Cut the follower off until its leader lease has lapsed, so it would grant a vote to a newer term.
        t.Disconnect(follower);
        await Task.Delay(3 * RaftGroupTester.ElectionTimeout);
        var before = await t.StateAsync(follower);
        var claimed = await SupersedeAsync(t, follower, before);

        var ballot = before.Term + 5;
        var request = new RequestVoteRequest(RaftGroupTester.PeerId(candidate), RaftGroupTester.PeerId(follower), ballot, long.MaxValue / 2, long.MaxValue / 2, PreVote: false);
        await t.Peer(follower).DeliverAsync([request]);

        // The superseded activation must fail its vote's write, stop and deactivate; the next call meets a newer one.
        var now = await NewerActivationAsync(t, follower, claimed);

        var follow = RaftGroupTester.PeerId(follower);
        Assert.DoesNotContain(t.Network.Sent, m => m.From == follow && m.Message is RequestVoteResponse { VoteGranted: true } && m.Message.Term >= ballot);
        Assert.True(now.Term < ballot, $"the vote for term {ballot} became durable (term now {now.Term})");

        t.Connect(follower);
        await t.OneAsync(2, 3, retry: true);
    }

    [Fact]
    public async Task SupersededActivationThatWritesNothing_StopsAfterItsOwnershipCheck()
    {
        await using var t = await StartGroupAsync("fencing-idle");
        var follower = (await t.CheckOneLeaderAsync() + 1) % 3;

        // The group stays idle: the follower only takes empty heartbeats, which it acknowledges without
        // writing, so no failed write can tell it that it was superseded.
        var claimed = await SupersedeAsync(t, follower, await t.StateAsync(follower));

        // The superseded activation must notice, stop and deactivate; the next heartbeat activates a newer one.
        await NewerActivationAsync(t, follower, claimed);

        await t.OneAsync(2, 3, retry: true);
        Assert.Empty(t.Applied.Errors);
    }

    [Fact]
    public async Task SaveOfASupersededStore_IsRejected_AndChangesNothing()
    {
        var peer = $"stale-{Guid.NewGuid():N}/p0";
        var older = new RaftPeerStore(Storage, peer);
        var newer = new RaftPeerStore(Storage, peer);
        await older.ClaimAsync(new RaftGroupConfig(peer[..^3], ["p0"], RecordingStateMachine.Name));
        await newer.ClaimAsync(null);

        var node = new RaftNode(new RaftConfig { SelfId = "p0", PeerIds = ["p0"] }, new Random(1));
        node.Tick();
        while (!node.HasReady)
        {
            node.Tick();
        }

        await Assert.ThrowsAsync<RaftStorageFencedException>(() => older.SaveAsync(node.GetReady()));
        var stored = await Storage.ReadAsync(peer);
        Assert.Equal(newer.Incarnation, stored.Incarnation);
        Assert.Equal(0, stored.HardState.CurrentTerm);
    }

    [Fact]
    public async Task AJoinWhoseClaimFailsWithAStorageError_LeavesThePeerOutside_AndARetryJoinsIt()
    {
        await using var t = new RaftGroupTester(fixture.Cluster, 3, "joinfault");
        FaultyRaftStorage.FailNextJoins(t.Peer(0).GetPrimaryKeyString(), times: 1);

        var failed = await Assert.ThrowsAsync<IOException>(() => t.Peer(0).InitializeAsync(t.Config));
        Assert.Contains("injected", failed.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnknownGroupException>(() => t.Peer(0).GetStateAsync());

        // The retry is a real join, not "already a member": the peer takes part in agreement.
        await t.StartAsync();
        await t.OneAsync(7, 3, retry: true);
        Assert.Empty(t.Applied.Errors);
    }

    /// <summary>A 3-peer group that agreed on a first command.</summary>
    private async Task<RaftGroupTester> StartGroupAsync(string scenario)
    {
        var t = new RaftGroupTester(fixture.Cluster, 3, scenario);
        await t.StartAsync();
        await t.OneAsync(1, 3, retry: true);
        return t;
    }

    /// <summary>Claims a peer's storage from outside, as a newer duplicate activation would; returns the claimed incarnation.</summary>
    private async Task<long> SupersedeAsync(RaftGroupTester t, int peer, PeerState running)
    {
        var key = t.Peer(peer).GetPrimaryKeyString();
        Assert.Equal(running.Incarnation, (await Storage.ReadOwnerAsync(key)).Incarnation);
        return (await Storage.ClaimAsync(key, join: null, location: null)).Incarnation;
    }

    private IRaftStorage Storage => ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<IRaftStorage>();

    /// <summary>Waits (at most 10 s) until the peer answers from an activation newer than <paramref name="claimed"/>.</summary>
    private static async Task<PeerState> NewerActivationAsync(RaftGroupTester t, int peer, long claimed)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var now = await t.StateAsync(peer);
        while (now.Incarnation <= claimed)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            now = await t.StateAsync(peer);
        }

        return now;
    }

    /// <summary>Waits until the group's peers run on as many distinct silos as there are peers.</summary>
    private static async Task DistinctSilosAsync(RaftGroupTester t, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string[] silos;
        while ((silos = await Task.WhenAll(Enumerable.Range(0, t.Count).Select(async i => (await t.StateAsync(i)).Silo))).Distinct().Count() < t.Count)
        {
            Assert.False(deadline.IsCancellationRequested, $"peers still on {string.Join(", ", silos)} after {timeout.TotalSeconds:0} s");
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    private static bool IsPrimary(TestCluster cluster, string silo) => cluster.Primary?.SiloAddress.ToParsableString() == silo;
}
