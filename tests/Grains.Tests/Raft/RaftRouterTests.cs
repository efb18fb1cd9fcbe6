using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>The relay that carries clients' calls to Raft peers (<see cref="IRaftRouterGrain"/>).</summary>
[Collection(RaftCollection.Name)]
public sealed class RaftRouterTests(RaftClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A peer on a paused silo answers nothing until that silo is declared dead; the calls a relay carries to it
    /// must not hold the relay's later calls (the availability loop once stopped every write for 5.5 s that way).
    /// More calls wait on the silent peer than a silo starts workers of one relay key, each sent once the one
    /// before it has been passed on, and every one of them is passed on; the relay then still answers.
    /// </summary>
    [Fact]
    public async Task CallsWaitingOnASilentPeer_DoNotHoldTheRelaysLaterCalls()
    {
        var silent = RaftGroupConfig.PeerKey($"silent-{Guid.NewGuid():N}", "p0");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FaultyRaftStorage.HoldClaims(silent, release.Task);
        var relay = fixture.Cluster.Client.GetGrain<IRaftRouterGrain>(Random.Shared.NextInt64());
        var waiting = new List<Task<byte[]>>();
        try
        {
            for (var n = 1; n <= Environment.ProcessorCount + 2; n++)
            {
                waiting.Add(relay.ExecuteAsync(silent, [1]));
                await PassedOnAsync(silent, n);
            }

            var silo = await relay.SiloAsync().WaitAsync(Bound);

            Assert.Contains(fixture.Cluster.GetActiveSilos(), s => s.SiloAddress.ToParsableString() == silo);
            Assert.All(waiting, call => Assert.False(call.IsCompleted));
        }
        finally
        {
            release.SetResult();
            await Task.WhenAll(waiting.Select(call => call.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private static async Task PassedOnAsync(string peerKey, int count)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (PeerCallCounter.ExecutesSentTo(peerKey) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the relay passed on {PeerCallCounter.ExecutesSentTo(peerKey)} of {count} calls within {Bound.TotalSeconds:0} s");
            await Task.Delay(10);
        }
    }
}
