using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// A silo stopped on request (SIGTERM) first hands the leadership of the groups it leads to a follower on another
/// silo (thesis §3.10), so the group goes on in the next term without waiting for an election timeout.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LeaderHandOverTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] Peers = ["p0", "p1", "p2"];

    private readonly TempDirectory _work = new("it-handover");

    [Fact]
    public async Task Sigterm_OfTheLeadersSilo_HandsLeadershipToAFollowerBeforeItStops()
    {
        using var cluster = new SiloProcessCluster("it-handover", _work.Path, redis: null, log);
        await cluster.StartSilosAsync(3);
        using var host = await ClusterClientHost.ConnectAsync(cluster, redis: null, SiloProcessCluster.StartTimeout);
        var grains = host.Client();
        await KeyValueClient.CreateGroupAsync(grains, "handover", Peers);
        var client = new KeyValueClient(grains, "handover", Peers);
        await client.PutAsync("k", "before");

        // The leader on a silo of its own (the rebalancer spreads the group over the three silos).
        var (leaderPeer, leader) = await LeaderAsync(grains);
        var silo = RaftGroupProbe.SiloOf(cluster, leader) ?? throw new InvalidOperationException($"no test silo at {leader.Silo}");
        log.WriteLine($"leader {leaderPeer} in term {leader.Term} on {silo.Process.Name}");

        silo.Process.Terminate();
        Assert.Equal(0, await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var handedOver = silo.Process.Lines.FirstOrDefault(l => l.Text.Contains($"Raft peer handover/{leaderPeer} handed leadership over in", StringComparison.Ordinal));
        Assert.True(handedOver is not null, $"the stopping silo did not hand leadership over{Environment.NewLine}{silo.Process.Tail()}");
        log.WriteLine(handedOver.Text);

        // The successor leads the very next term: it was handed the group, not elected after a timeout.
        var (successorPeer, successor) = await LeaderAsync(grains);
        Assert.NotEqual(leaderPeer, successorPeer);
        Assert.Equal(leader.Term + 1, successor.Term);
        await client.PutAsync("k", "after");
        Assert.Equal("after", await client.GetAsync("k"));
    }

    public void Dispose() => _work.Dispose();

    private static async Task<(string Peer, PeerState State)> LeaderAsync(IGrainFactory grains)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var states = await RaftGroupProbe.StatesAsync(grains, "handover", Peers);
            if (states.FirstOrDefault(s => s.State is { IsLeader: true }) is { State: { } state } found)
            {
                return (found.Peer, state);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
        }
    }
}
