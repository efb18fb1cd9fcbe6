using RaftOrleans.Grains.Interfaces.KeyValue;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Grains.Tests.Raft;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Grains.Tests.KeyValue;

/// <summary>
/// Concurrent clerks on the key/value service of a real cluster, with the history of every call checked by
/// the linearizability checker; with and without faults (partitions that change, dropped and delayed
/// messages, peers crashing and restarting from storage).
/// </summary>
[Collection(RaftCollection.Name)]
public sealed class KeyValueLinearizabilityTests(RaftClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Keys = ["a", "b", "c"];

    /// <summary>
    /// Only ever appended to, so every acknowledged append must still be in its final value. Its operations stay
    /// out of the checked history: unread concurrent appends leave the checker an exponential number of orders.
    /// </summary>
    private const string Journal = "journal";

    [Fact]
    public async Task ManyClients_ReliableNetwork_HistoryIsLinearizable()
    {
        var run = await RunAsync(clients: 5, TimeSpan.FromSeconds(3), faults: null);

        Assert.True(run.Completed > 50, $"only {run.Completed} operations completed");
    }

    [Fact]
    public async Task ManyClients_PartitionsCrashesUnreliable_HistoryIsLinearizableAndNoAckedAppendIsLost()
    {
        var run = await RunAsync(clients: 5, TimeSpan.FromSeconds(8), faults: async (group, peers, stop) =>
        {
            var network = RaftNetwork.For(group);
            network.Unreliable = true;
            var crashed = new HashSet<int>();
            while (!stop.IsCancellationRequested)
            {
                // A new partition: a random minority is cut off (sometimes the leader's side is the minority).
                for (var i = 0; i < peers.Length; i++)
                {
                    network.Connect(peers[i]);
                }

                network.Disconnect(peers[Random.Shared.Next(peers.Length)]);
                if (Random.Shared.Next(3) == 0)
                {
                    var victim = Random.Shared.Next(peers.Length);
                    await fixture.Cluster.GrainFactory.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, peers[victim])).CrashAsync();
                    crashed.Add(victim);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(400 + Random.Shared.Next(800)), CancellationToken.None);
            }

            network.Unreliable = false;
            foreach (var peer in peers)
            {
                network.Connect(peer);
            }

            return crashed.Count;
        });

        Assert.True(run.Completed > 20, $"only {run.Completed} operations completed");
        Assert.NotEmpty(run.AckedJournal);
        foreach (var appended in run.AckedJournal)
        {
            Assert.Contains(appended, run.FinalJournal, StringComparison.Ordinal);
        }
    }

    private async Task<Run> RunAsync(int clients, TimeSpan duration, Func<string, string[], CancellationToken, Task<int>>? faults)
    {
        var group = $"kvlin-{Guid.NewGuid():N}"[..14];
        var peers = new[] { "p0", "p1", "p2" };
        var grains = fixture.Cluster.GrainFactory;
        await KeyValueClient.CreateGroupAsync(grains, group, peers);
        var history = new HistoryRecorder<KvInput, KvOutput>();
        var acked = new System.Collections.Concurrent.ConcurrentBag<string>();

        using var stop = new CancellationTokenSource(duration);
        var faulting = faults?.Invoke(group, peers, stop.Token) ?? Task.FromResult(0);
        var clerks = Enumerable.Range(0, clients).Select(id => Task.Run(async () =>
        {
            var clerk = new KeyValueClient(grains, group, peers, attemptTimeout: TimeSpan.FromSeconds(1));
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var op = Random.Shared.Next(4);
                var key = op == 3 ? Journal : Keys[Random.Shared.Next(Keys.Length)];
                var value = $"[{id}.{n++}]";
                op = Math.Min(op, 2);
                var input = op switch { 0 => KvInput.Get(key), 1 => KvInput.Put(key, value), _ => KvInput.Append(key, value) };
                var handle = key == Journal ? -1 : history.Invoke(id, input);
                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    var result = op switch
                    {
                        0 => await clerk.GetAsync(key, attempt.Token),
                        1 => await clerk.PutAsync(key, value, attempt.Token).ContinueWith(_ => string.Empty, TaskScheduler.Default),
                        _ => await clerk.AppendAsync(key, value, attempt.Token).ContinueWith(_ => string.Empty, TaskScheduler.Default),
                    };
                    if (key == Journal)
                    {
                        acked.Add(value);
                    }
                    else
                    {
                        history.Complete(handle, op == 0 ? new KvOutput(result) : KvOutput.Done);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Left pending: it may or may not have taken effect.
                    return;
                }
            }
        })).ToArray();

        var crashes = await faulting;
        await Task.WhenAll(clerks);

        // The final reads belong to the history too: they must see every write acknowledged before them.
        var reader = new KeyValueClient(grains, group, peers);
        foreach (var key in Keys)
        {
            var handle = history.Invoke(clients, KvInput.Get(key));
            history.Complete(handle, new KvOutput(await reader.GetAsync(key)));
        }

        var finalJournal = await reader.GetAsync(Journal);

        var ops = history.History();
        var verdict = KvModel.Check(ops);
        output.WriteLine($"{ops.Count} operations ({ops.Count(o => o.Completed)} completed), {crashes} crashes: {verdict.Outcome} in {verdict.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(verdict.IsLinearizable, verdict.Explanation);
        return new Run(ops.Count(o => o.Completed), acked.ToList(), finalJournal);
    }

    private sealed record Run(int Completed, List<string> AckedJournal, string FinalJournal);
}
