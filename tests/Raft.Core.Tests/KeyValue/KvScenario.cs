using System.Globalization;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>What one simulated run produced: its history, the checker's verdict and some counts.</summary>
public sealed record KvRunResult(
    int Seed,
    KvSimOptions Options,
    IReadOnlyList<Operation<KvInput, KvOutput>> History,
    CheckResult Check,
    long VirtualMs,
    long SnapshotsTaken,
    long SnapshotsInstalled,
    long MaxRaftState,
    long FinalMaxRaftState,
    long Faults,
    string? DurabilityError)
{
    /// <summary>Linearizable, and no acknowledged write lost nor any write applied twice.</summary>
    public bool Ok => Check.IsLinearizable && DurabilityError is null;

    public int Completed => History.Count(o => o.Completed);

    public int Pending => History.Count(o => !o.Completed);

    public override string ToString() =>
        $"seed {Seed}: {History.Count} ops ({Pending} pending), {Faults} faults, {VirtualMs} virtual ms, snapshots {SnapshotsTaken} taken / " +
        $"{SnapshotsInstalled} installed, max raft state {MaxRaftState} B (final {FinalMaxRaftState} B); {Check.Explanation}" +
        (DurabilityError is null ? "; no write lost or duplicated" : $"; {DurabilityError}");
}

/// <summary>
/// One run of the key/value service in the spirit of the classic course's kvraft tests: clerks issue Put/Append/Get
/// on a few keys while a fault schedule partitions, crashes and restarts servers; then the clerks stop, the cluster
/// heals, every outstanding operation must finish (liveness), a last client reads every key, every live server must
/// hold the same data, and the history is checked. Throws a <see cref="Simulation.RaftTestException"/> naming the seed
/// on a failed check other than linearizability (which the caller judges from <see cref="KvRunResult.Check"/>).
/// </summary>
public static class KvScenario
{
    private const long SettleLimitMs = 60_000;

    public static KvRunResult Run(KvSimOptions options, int seed, CheckOptions? checkOptions = null)
    {
        var rng = new Random(seed);
        var cluster = new KvCluster(options, seed) { Unreliable = options.Unreliable, LongReordering = options.LongReordering };
        var history = new HistoryRecorder<KvInput, KvOutput>();
        var clerks = Enumerable.Range(0, options.Clients).Select(i => new KvClerk(cluster, history, i, rng, options.UnsafeNewSequenceOnRetry)).ToList();
        var keys = Enumerable.Range(0, options.Keys).Select(k => $"k{k}").ToArray();
        var stopped = false;
        long faults = 0;
        var issued = 0;
        var nextClientLabel = 100;

        // ---- the workload: each clerk issues its next operation shortly after the previous one returned
        void Next(KvClerk clerk)
        {
            if (stopped || !clerks.Contains(clerk))
            {
                return;
            }

            var key = keys[rng.Next(keys.Length)];
            var roll = rng.Next(100);
            var token = string.Create(CultureInfo.InvariantCulture, $"[{clerk.Id}.{++issued}]");
            var input = roll < options.GetPercent ? KvInput.Get(key)
                : rng.Next(8) == 0 ? KvInput.Put(key, "=" + token)
                : KvInput.Append(key, token);
            clerk.Issue(input, _ => cluster.Sim.After(rng.Next(10), () => Next(clerk)));
        }

        foreach (var clerk in clerks)
        {
            cluster.Sim.After(rng.Next(20), () => Next(clerk));
        }

        // ---- the fault schedule
        var n = options.Servers;
        var down = new HashSet<int>();
        void Faults()
        {
            if (stopped)
            {
                return;
            }

            if (options.Partitions && rng.Next(2) == 0)
            {
                faults++;
                cluster.Partition([.. Enumerable.Range(0, n).Where(_ => rng.Next(2) == 0)]);
            }

            if (options.Crashes)
            {
                faults++;
                if (options.CrashAll)
                {
                    for (var i = 0; i < n; i++)
                    {
                        cluster.Crash(i);
                    }

                    cluster.Sim.After(rng.Next(200), () =>
                    {
                        for (var i = 0; i < n; i++)
                        {
                            cluster.Start(i);
                        }
                    });
                }
                else
                {
                    // Restart one crashed server (if any), crash another while a majority would stay up.
                    if (down.Count > 0 && rng.Next(3) != 0)
                    {
                        var back = down.First();
                        down.Remove(back);
                        cluster.Start(back);
                    }

                    var victim = rng.Next(n);
                    if (!down.Contains(victim) && (down.Count + 1) * 2 < n + (rng.Next(4) == 0 ? 2 : 0))
                    {
                        down.Add(victim);
                        cluster.Crash(victim);
                    }
                }
            }

            if (options.Unreliable && rng.Next(4) == 0)
            {
                cluster.Unreliable = !cluster.Unreliable;
            }

            if (options.ClientRestarts && rng.Next(2) == 0)
            {
                // A client process dies (its operation in flight stays pending; retries already sent may still land)
                // and a new one, with a new client id, takes its place.
                faults++;
                var slot = rng.Next(clerks.Count);
                if (clerks[slot].Busy)
                {
                    clerks[slot].Abandon();
                }

                var fresh = new KvClerk(cluster, history, nextClientLabel++, rng, options.UnsafeNewSequenceOnRetry);
                clerks[slot] = fresh;
                cluster.Sim.After(rng.Next(20), () => Next(fresh));
            }

            cluster.Sim.After(500 + rng.Next(1_000), Faults);
        }

        if (options.Partitions || options.Crashes || options.ClientRestarts)
        {
            cluster.Sim.After(500 + rng.Next(1_000), Faults);
        }

        cluster.Sim.RunUntil(options.DurationMs);

        // ---- stop, heal, let every outstanding operation finish
        stopped = true;
        if (options.AbandonAtEnd)
        {
            foreach (var clerk in clerks.Where(c => c.Busy && rng.Next(2) == 0))
            {
                clerk.Abandon();
            }
        }

        cluster.Heal();
        cluster.Unreliable = false;
        cluster.LongReordering = false;
        for (var i = 0; i < n; i++)
        {
            if (!cluster.Peers[i].Alive)
            {
                cluster.Start(i);
            }
        }

        var settleStart = cluster.Sim.Now;
        cluster.Sim.RunWhile(() => clerks.Any(c => c.Busy) && cluster.Sim.Now - settleStart < SettleLimitMs);
        if (clerks.Any(c => c.Busy))
        {
            throw cluster.Fail($"{clerks.Count(c => c.Busy)} clerks still waiting {SettleLimitMs} ms after the cluster healed");
        }

        // ---- a last client reads every key, through the log like the others
        var reader = new KvClerk(cluster, history, options.Clients, rng);
        foreach (var key in keys)
        {
            reader.Issue(KvInput.Get(key), _ => { });
            var readStart = cluster.Sim.Now;
            cluster.Sim.RunWhile(() => reader.Busy && cluster.Sim.Now - readStart < SettleLimitMs);
            if (reader.Busy)
            {
                throw cluster.Fail($"final Get({key}) did not complete");
            }
        }

        // ---- every server catches up and holds the same data (the final reads are judged by the checker)
        cluster.Sim.RunUntil(cluster.Sim.Now + 3_000);
        var applied = cluster.Peers.Max(p => p.LastApplied);
        var replicated = keys.ToDictionary(k => k, k => cluster.Peers[0].Store.Read(k) ?? string.Empty);
        foreach (var peer in cluster.Peers)
        {
            if (peer.LastApplied != applied)
            {
                throw cluster.Fail($"server {peer.Index} applied up to {peer.LastApplied}, others {applied}, 3 s after healing");
            }

            foreach (var key in keys)
            {
                var value = peer.Store.Read(key) ?? string.Empty;
                if (value != replicated[key])
                {
                    throw cluster.Fail($"server {peer.Index} holds {Short(value)} for {key}, server 0 {Short(replicated[key])}");
                }
            }
        }

        var ops = history.History();
        var durability = LostOrDuplicatedWrite(ops, replicated);
        var finalState = cluster.Peers.Max(p => p.Persister.RaftStateSize);
        if (options.MaxRaftState > 0 && finalState > 8L * options.MaxRaftState)
        {
            throw cluster.Fail($"persisted Raft state {finalState} B after healing, more than 8 x maxraftstate {options.MaxRaftState}");
        }

        var check = KvModel.Check(ops, checkOptions);
        return new KvRunResult(
            seed, options, ops, check, cluster.Sim.Now, cluster.SnapshotsTaken, cluster.SnapshotsInstalled,
            cluster.MaxRaftStateSeen, finalState, faults, durability);
    }

    /// <summary>
    /// Every acknowledged Append is in the replicated final value exactly once, unless a Put on that key may have come
    /// after it; no Append (acknowledged or not) appears twice. Returns what is wrong, or null.
    /// </summary>
    private static string? LostOrDuplicatedWrite(IReadOnlyList<Operation<KvInput, KvOutput>> ops, Dictionary<string, string> replicated)
    {
        foreach (var append in ops.Where(o => o.Input.Op == KvOp.Append))
        {
            var final = replicated[append.Input.Key];
            var count = Occurrences(final, append.Input.Value);
            if (count > 1)
            {
                return $"append {append.Input.Value} to {append.Input.Key} applied {count} times";
            }

            var overwritable = ops.Any(o => o.Input.Op == KvOp.Put && o.Input.Key == append.Input.Key && (o.Return is null || o.Return > append.Call));
            if (append.Completed && !overwritable && count == 0)
            {
                return $"acknowledged append {append.Input.Value} to {append.Input.Key} lost: final value {Short(final)}";
            }
        }

        return null;
    }

    private static int Occurrences(string text, string token)
    {
        var count = 0;
        for (var at = text.IndexOf(token, StringComparison.Ordinal); at >= 0; at = text.IndexOf(token, at + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Short(string s) => s.Length > 60 ? $"'...{s[^57..]}' ({s.Length} chars)" : $"'{s}'";
}
