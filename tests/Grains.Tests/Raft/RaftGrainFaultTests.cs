using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Raft.Storage;
using RaftOrleans.Raft.Core;

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

        Assert.Empty(t.Applied.Errors);
    }

    [Fact]
    public async Task SupersededActivation_NeitherVotesNorAcknowledges()
    {
        var cluster = fixture.Cluster;
        await using var t = new RaftGroupTester(cluster, 3, "fencing");
        await t.StartAsync();
        await t.OneAsync(1, 3, retry: true);
        var leader = await t.CheckOneLeaderAsync();
        var follower = (leader + 1) % 3;
        var candidate = (leader + 2) % 3;

        // Cut the follower off until its leader lease has lapsed, so it would grant a vote to a newer term.
        t.Disconnect(follower);
        await Task.Delay(3 * RaftGroupTester.ElectionTimeout);
        var before = await t.StateAsync(follower);

        // A newer incarnation claims the follower's records, as a duplicate activation would.
        var storage = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Raft);
        var hard = new StoredRecord<RaftHardRecord>(new RaftHardRecord());
        await storage.ReadStateAsync("raft-hard", t.Peer(follower).GetGrainId(), hard);
        hard.State.Incarnation++;
        await storage.WriteStateAsync("raft-hard", t.Peer(follower).GetGrainId(), hard);

        var ballot = before.Term + 5;
        var request = new RequestVoteRequest(RaftGroupTester.PeerId(candidate), RaftGroupTester.PeerId(follower), ballot, long.MaxValue / 2, long.MaxValue / 2, PreVote: false);
        await t.Peer(follower).DeliverAsync([request]);

        // The superseded activation must fail its vote's write, stop and deactivate; the next call meets a newer one.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var now = before;
        while (now.Incarnation <= hard.State.Incarnation)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            now = await t.StateAsync(follower);
        }

        var follow = RaftGroupTester.PeerId(follower);
        Assert.DoesNotContain(t.Network.Sent, m => m.From == follow && m.Message is RequestVoteResponse { VoteGranted: true } && m.Message.Term >= ballot);
        Assert.True(now.Term < ballot, $"the vote for term {ballot} became durable (term now {now.Term})");

        t.Connect(follower);
        await t.OneAsync(2, 3, retry: true);
    }

    [Fact]
    public async Task SupersededActivationThatWritesNothing_StopsAfterItsOwnershipCheck()
    {
        var cluster = fixture.Cluster;
        await using var t = new RaftGroupTester(cluster, 3, "fencing-idle");
        await t.StartAsync();
        await t.OneAsync(1, 3, retry: true);
        var leader = await t.CheckOneLeaderAsync();
        var follower = (leader + 1) % 3;
        var before = await t.StateAsync(follower);

        // A newer incarnation claims the follower's records. The group stays idle: the follower only takes empty
        // heartbeats, which it acknowledges without writing, so no failed write can tell it.
        var storage = ((InProcessSiloHandle)cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Raft);
        var hard = new StoredRecord<RaftHardRecord>(new RaftHardRecord());
        await storage.ReadStateAsync("raft-hard", t.Peer(follower).GetGrainId(), hard);
        Assert.Equal(before.Incarnation, hard.State.Incarnation);
        hard.State.Incarnation++;
        await storage.WriteStateAsync("raft-hard", t.Peer(follower).GetGrainId(), hard);

        // The superseded activation must notice, stop and deactivate; the next heartbeat activates a newer one.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var now = before;
        while (now.Incarnation <= hard.State.Incarnation)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            now = await t.StateAsync(follower);
        }

        await t.OneAsync(2, 3, retry: true);
        Assert.Empty(t.Applied.Errors);
    }

    [Fact]
    public async Task StaleStore_WriteIsRejected()
    {
        var storage = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Raft);
        var id = GrainId.Create("raftstoretest", Guid.NewGuid().ToString("N"));
        var older = new RaftPeerStore(storage, id, 64);
        var newer = new RaftPeerStore(storage, id, 64);
        await older.LoadAsync();
        await older.ClaimAsync(null);
        await newer.LoadAsync();
        await newer.ClaimAsync(null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => older.ClaimAsync(null));
        await newer.ClaimAsync(null);
    }

    private static bool IsPrimary(TestCluster cluster, string silo) => cluster.Primary?.SiloAddress.ToParsableString() == silo;
}
