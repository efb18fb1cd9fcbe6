using System.Collections.Concurrent;
using System.Diagnostics;
using RaftOrleans.Linearizability;
using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>
/// Many random histories of the key/value service under faults, each checked for linearizability (KV_SOAK_HISTORIES,
/// default 500; KV_SOAK_FIRST_SEED, default 1). Excluded from the default run by its category:
/// <c>dotnet test tests/Raft.Core.Tests --filter "Category=Soak&amp;FullyQualifiedName~KeyValue"</c>.
/// Replay one history with KV_SOAK_HISTORIES=1 KV_SOAK_FIRST_SEED=n.
/// </summary>
[Trait("Category", "Soak")]
public sealed class KvSoakTests(ITestOutputHelper output)
{
    /// <summary>The random cluster, workload and faults of one soak seed (at least one kind of fault).</summary>
    public static KvSimOptions RandomOptions(int seed)
    {
        var rng = new Random(unchecked((seed * 48_271) + 11));
        var preVote = rng.Next(3) != 0;
        var options = new KvSimOptions
        {
            Servers = rng.Next(2) == 0 ? 3 : 5,
            Clients = 1 + rng.Next(8),
            Keys = 1 + rng.Next(4),
            DurationMs = 2_000 + rng.Next(6_000),
            Unreliable = rng.Next(2) == 0,
            LongReordering = rng.Next(4) == 0,
            Partitions = rng.Next(2) == 0,
            Crashes = rng.Next(2) == 0,
            CrashAll = rng.Next(4) == 0,
            MaxRaftState = rng.Next(2) == 0 ? -1 : 500 + rng.Next(3_500),
            AbandonAtEnd = rng.Next(2) == 0,
            ClientRestarts = rng.Next(3) == 0,
            PersistLatencyMs = rng.Next(2) == 0 ? 0 : 1 + rng.Next(20),
            GetPercent = 10 + rng.Next(50),
            PreVote = preVote,
            CheckQuorum = preVote && rng.Next(3) != 0,
        };
        return options.Unreliable || options.Partitions || options.Crashes || options.LongReordering || options.ClientRestarts
            ? options
            : options with { Partitions = true };
    }

    /// <summary>
    /// The control: the same kind of soak on a service with a deliberate bug (leaders answer reads locally, and without
    /// check-quorum a deposed leader keeps doing so) must have histories rejected. KV_SOAK_BROKEN_HISTORIES, default 100.
    /// </summary>
    [Fact]
    public void BrokenServiceHistoriesAreRejected()
    {
        var histories = int.TryParse(Environment.GetEnvironmentVariable("KV_SOAK_BROKEN_HISTORIES"), out var h) ? h : 100;
        var rejected = 0;
        var unknown = 0;
        var watch = Stopwatch.StartNew();
        Parallel.For(1, 1 + histories, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var options = RandomOptions(seed) with { UnsafeLocalReads = true, CheckQuorum = false, Partitions = true, GetPercent = 40 };
            var result = KvScenario.Run(options, seed, new CheckOptions { Timeout = TimeSpan.FromSeconds(30) });
            if (result.Check.Outcome == CheckOutcome.Illegal)
            {
                Interlocked.Increment(ref rejected);
            }
            else if (result.Check.Outcome == CheckOutcome.Unknown)
            {
                Interlocked.Increment(ref unknown);
            }
        });

        output.WriteLine($"broken service: {rejected} of {histories} histories rejected, {unknown} unknown, in {watch.Elapsed.TotalSeconds:F1} s wall");
        Assert.True(rejected > 0, "the checker rejected no history of the broken service");
    }

    [Fact]
    public void RandomHistoriesUnderFaultsAreLinearizable()
    {
        var histories = int.TryParse(Environment.GetEnvironmentVariable("KV_SOAK_HISTORIES"), out var h) ? h : 500;
        var first = int.TryParse(Environment.GetEnvironmentVariable("KV_SOAK_FIRST_SEED"), out var f) ? f : 1;
        var failures = new ConcurrentBag<(int Seed, string Error)>();
        var results = new ConcurrentBag<KvRunResult>();
        var checkOptions = new CheckOptions { Timeout = TimeSpan.FromSeconds(30) };
        var watch = Stopwatch.StartNew();
        Parallel.For(first, first + histories, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var options = RandomOptions(seed);
            try
            {
                var result = KvScenario.Run(options, seed, checkOptions);
                results.Add(result);
                if (!result.Ok)
                {
                    failures.Add((seed, $"{options}: {result}"));
                }
            }
            catch (Exception e)
            {
                failures.Add((seed, $"{options}: {(e is RaftTestException ? e.Message : e.ToString())}"));
            }
        });

        var all = results.ToList();
        output.WriteLine(
            $"kv soak: {histories} histories from seed {first} in {watch.Elapsed.TotalSeconds:F1} s wall; " +
            $"{all.Sum(r => r.History.Count)} operations ({all.Sum(r => r.Pending)} never returned), {all.Sum(r => r.Faults)} scheduled faults, " +
            $"{all.Count(r => r.Options.Partitions)} with partitions, {all.Count(r => r.Options.Crashes)} with crashes, " +
            $"{all.Count(r => r.Options.Unreliable)} unreliable, {all.Count(r => r.Options.LongReordering)} with late messages, " +
            $"{all.Count(r => r.Options.ClientRestarts)} with client restarts, {all.Count(r => r.Options.PersistLatencyMs > 0)} with slow disks, " +
            $"{all.Count(r => r.Options.MaxRaftState > 0)} with snapshots " +
            $"({all.Sum(r => r.SnapshotsTaken)} taken, {all.Sum(r => r.SnapshotsInstalled)} installed); " +
            $"largest history {all.Select(r => r.History.Count).DefaultIfEmpty().Max()} operations, longest check " +
            $"{all.Select(r => r.Check.Elapsed.TotalMilliseconds).DefaultIfEmpty().Max():F0} ms; " +
            $"{all.Count(r => r.Check.IsLinearizable)} linearizable, {all.Count(r => r.DurabilityError is null)} without lost or duplicated writes, {failures.Count} failures");
        foreach (var (seed, error) in failures.OrderBy(x => x.Seed).Take(20))
        {
            output.WriteLine($"FAILED seed {seed}: {error}");
        }

        if (!failures.IsEmpty)
        {
            var (seed, error) = failures.OrderBy(x => x.Seed).First();
            Assert.Fail($"{failures.Count} of {histories} histories failed; first: seed {seed}: {error}");
        }
    }
}
