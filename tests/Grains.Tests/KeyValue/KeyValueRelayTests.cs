using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Grains.Tests.Raft;
using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue;

/// <summary>
/// Which relays a clerk's requests take (<see cref="IRaftRouterGrain"/>). A cluster of its own: the shared one loses
/// and gains silos in other tests, and the client's gateways, which decide where a relay key runs, change with them.
/// </summary>
public sealed class KeyValueRelayTests(RaftClusterFixture fixture) : IClassFixture<RaftClusterFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The premise of choosing a relay by its silo: a client sends every call to one relay key through one gateway,
    /// and the relay runs there, while the keys spread over the silos.
    /// </summary>
    [Fact]
    public async Task ARelayKey_IsAnsweredByOneSilo_AndTheKeysSpreadOverTheSilos()
    {
        var silosByKey = new Dictionary<int, HashSet<string>>();
        for (var key = 0; key < 32; key++)
        {
            var relay = fixture.Cluster.Client.GetGrain<IRaftRouterGrain>(key);
            silosByKey[key] = [.. await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => relay.SiloAsync().WaitAsync(Bound)))];
        }

        Assert.All(silosByKey, pair => Assert.Single(pair.Value));
        Assert.True(silosByKey.Values.Select(s => s.Single()).Distinct().Count() > 1, "all 32 relay keys ran on one silo");
    }

    /// <summary>
    /// Once the clerks know where the leader and the relays run, every request reaches the leader from the leader's
    /// own silo: through a relay there, not through another gateway. Six clerks, each of which would keep one relay
    /// chosen at random (one on the leader's silo in three, with three silos), so all six on it by chance is 1 in 729.
    /// </summary>
    [Fact]
    public async Task RequestsToTheLeader_GoThroughARelayOnItsSilo()
    {
        var group = $"relay-{Guid.NewGuid():N}";
        string[] peers = ["a", "b", "c"];
        await KeyValueClient.CreateGroupAsync(fixture.Cluster.Client, group, peers);
        var clerks = Enumerable.Range(0, 6).Select(_ => new KeyValueClient(fixture.Cluster.Client, group, peers)).ToArray();
        await clerks[0].PutAsync("first", "put");
        var (leader, state) = (await clerks[0].PeersAsync()).Single(p => p.State?.IsLeader == true);
        var leaderKey = RaftGroupConfig.PeerKey(group, leader);
        var silo = state!.Silo;
        async Task<(int Total, int FromLeadersSilo)> RoundAsync()
        {
            var (total, local) = (PeerCallCounter.ExecutesSentTo(leaderKey), PeerCallCounter.ExecutesSentTo(leaderKey, silo));
            foreach (var clerk in clerks)
            {
                await clerk.PutAsync($"k{Guid.NewGuid():N}", "v");
            }

            return (PeerCallCounter.ExecutesSentTo(leaderKey) - total, PeerCallCounter.ExecutesSentTo(leaderKey, silo) - local);
        }

        var deadline = DateTime.UtcNow + Bound;
        var round = await RoundAsync();
        while (round.FromLeadersSilo < clerks.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{round.FromLeadersSilo} of {round.Total} requests reached the leader from its silo in the last round ({Bound.TotalSeconds:0} s)");
            round = await RoundAsync();
        }

        var rounds = new List<(int, int)>();
        for (var i = 0; i < 5; i++)
        {
            rounds.Add(await RoundAsync());
        }

        Assert.True((await clerks[0].PeersAsync()).Single(p => p.Peer == leader).State?.IsLeader, "the leader changed during the test");
        Assert.All(rounds, r => Assert.Equal((clerks.Length, clerks.Length), r));
    }
}
