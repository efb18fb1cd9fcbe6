using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Grains.Tests.Raft;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.Linearizability;
using RaftOrleans.Raft.Core;

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

    /// <summary>
    /// The group changes shape under the clerks' load (issue 26): 3 → 5 → 4 voters, a replace, a leadership
    /// transfer, the leader removing itself, and the leader's peer crashed while a change is under way. The clerks
    /// know only the founders (p0..p2) and find the rest through hints; every history must be linearizable.
    /// </summary>
    [Fact]
    public async Task ManyClients_GroupGrowsShrinksReplacesAndHandsOver_HistoryIsLinearizable()
    {
        var grains = fixture.Cluster.GrainFactory;
        Membership? final = null;
        var run = await RunAsync(clients: 4, TimeSpan.FromSeconds(10), faults: async (group, peers, stop) =>
        {
            var admin = new KeyValueClient(grains, group, peers);
            await Task.Delay(300, CancellationToken.None);
            await EnsureAsync(admin, MembershipChange.AddVoter("p3"), m => m.Voters.Contains("p3"));
            await EnsureAsync(admin, MembershipChange.AddVoter("p4"), m => m.Voters.Contains("p4"));

            // The leader's peer crashes while it removes p3: the change may be lost with it, and is asked again.
            var (_, leader, _) = await admin.MembersAsync(CancellationToken.None);
            var removal = EnsureAsync(admin, MembershipChange.Remove("p3"), m => !m.IsMember("p3"));
            await grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, leader)).CrashAsync();
            await removal;

            await EnsureAsync(admin, MembershipChange.Replace("p1", "p5"), m => !m.IsMember("p1") && m.Voters.Contains("p5"));
            await admin.MoveLeaderAsync("p4", CancellationToken.None);
            await EnsureAsync(admin, MembershipChange.Remove("p4"), m => !m.IsMember("p4"));
            (final, _, _) = await admin.MembersAsync(CancellationToken.None);
            return 1;
        });

        Assert.Equal("voters p0,p2,p5", final?.ToString());
        Assert.True(run.Completed > 20, $"only {run.Completed} operations completed");
    }

    /// <summary>Asks for <paramref name="change"/> until the configuration shows it done (a crash or a leader change may lose it).</summary>
    private async Task EnsureAsync(KeyValueClient admin, MembershipChange change, Func<Membership, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                var membership = await admin.ChangeMembershipAsync(change, TimeSpan.FromSeconds(10), deadline.Token);
                output.WriteLine($"{change.Kind} {change.Peer} {change.Replacement}: {membership}");
                if (done(membership))
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is LeadershipLostException or MembershipChangeRefusedException { Refusal: MembershipRefusal.ChangePending or MembershipRefusal.LeaderNotReady } or TimeoutException)
            {
                output.WriteLine($"{change.Kind} {change.Peer}: {exception.GetType().Name}: {exception.Message}");
            }
            catch (MembershipChangeRefusedException refused) when (refused.Refusal == MembershipRefusal.Invalid)
            {
                // Asked again after a loss that had in fact committed: done already, if the configuration says so.
                output.WriteLine($"{change.Kind} {change.Peer}: {refused.Message}");
            }

            var (now, _, _) = await admin.MembersAsync(deadline.Token);
            if (done(now))
            {
                return;
            }

            await Task.Delay(100, deadline.Token);
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
            var lastSeen = new Dictionary<string, string>(StringComparer.Ordinal);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                // Gets, puts, appends, deletes, compare-and-swaps and scans on the checked keys; appends to the journal.
                var op = Random.Shared.Next(7);
                var key = op == 6 ? Journal : Keys[Random.Shared.Next(Keys.Length)];
                var value = $"[{id}.{n++}]";
                if (op == 6)
                {
                    await clerk.AppendAsync(key, value, stop.Token).ContinueWith(t => { if (t.IsCompletedSuccessfully) { acked.Add(value); } }, TaskScheduler.Default);
                    continue;
                }

                if (op == 5)
                {
                    var scanned = KvScans.Invoke(history, id, Keys);
                    try
                    {
                        using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                        KvScans.Complete(history, scanned, Keys, await clerk.ScanAsync(string.Empty, 100, attempt.Token));
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    continue;
                }

                // A compare-and-swap expects the value a get of this client last saw (often stale, so both outcomes occur).
                var expected = lastSeen.GetValueOrDefault(key, string.Empty);
                var input = op switch
                {
                    0 => KvInput.Get(key),
                    1 => KvInput.Put(key, value),
                    2 => KvInput.Append(key, value),
                    3 => KvInput.Delete(key),
                    _ => KvInput.Cas(key, expected, value),
                };
                var handle = history.Invoke(id, input);
                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    KvOutput result;
                    switch (op)
                    {
                        case 0:
                            result = new KvOutput(await clerk.GetAsync(key, attempt.Token));
                            lastSeen[key] = result.Value;
                            break;
                        case 1:
                            await clerk.PutAsync(key, value, attempt.Token);
                            result = KvOutput.Done;
                            break;
                        case 2:
                            await clerk.AppendAsync(key, value, attempt.Token);
                            result = KvOutput.Done;
                            break;
                        case 3:
                            await clerk.DeleteAsync(key, attempt.Token);
                            result = KvOutput.Done;
                            break;
                        default:
                            var (swapped, current) = await clerk.CompareAndSwapAsync(key, expected, value, attempt.Token);
                            result = KvOutput.CasResult(swapped, current);
                            lastSeen[key] = current;
                            break;
                    }

                    history.Complete(handle, result);
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
