using System.Diagnostics;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>
/// The key/value service on the deterministic Raft simulation, in the spirit of the classic course's kvraft tests
/// (3A without snapshots, 3B with): every history must be linearizable and lose no acknowledged write.
/// </summary>
public sealed class KvServiceTests(ITestOutputHelper output)
{
    [Fact]
    public void OneClient() => Linearizable(new KvSimOptions { Clients = 1, Keys = 1 }, 3101);

    [Fact]
    public void ManyClients() => Linearizable(new KvSimOptions { Clients = 5, Keys = 2 }, 3102);

    [Fact]
    public void ManyClientsUnreliableNetwork() => Linearizable(new KvSimOptions { Clients = 5, Keys = 2, Unreliable = true, DurationMs = 20_000 }, 3103);

    [Fact]
    public void PartitionsChangingDuringTheRun() =>
        Linearizable(new KvSimOptions { Clients = 5, Keys = 2, Partitions = true, DurationMs = 8_000 }, 3104);

    [Fact]
    public void PartitionsWithUnreliableNetworkAndLateMessages() =>
        Linearizable(new KvSimOptions { Clients = 5, Keys = 3, Partitions = true, Unreliable = true, LongReordering = true, DurationMs = 20_000 }, 3105);

    [Fact]
    public void ServersCrashingAndRestarting() =>
        Linearizable(new KvSimOptions { Clients = 5, Keys = 2, Crashes = true, DurationMs = 8_000 }, 3106);

    [Fact]
    public void WholeClusterCrashingAndRestarting() =>
        Linearizable(new KvSimOptions { Clients = 5, Keys = 2, Crashes = true, CrashAll = true, DurationMs = 8_000 }, 3107);

    [Fact]
    public void CrashesPartitionsUnreliableAndAbandonedRequests() =>
        Linearizable(new KvSimOptions
        {
            Clients = 7, Keys = 3, Crashes = true, Partitions = true, Unreliable = true, AbandonAtEnd = true, DurationMs = 20_000,
        }, 3108);

    [Fact]
    public void SnapshotSizeStaysUnderItsLimit()
    {
        // 3B's snapshot-size test: a reliable network, one client; the persisted Raft state stays within bounds all along.
        const int MaxRaftState = 1_000;
        var result = Linearizable(new KvSimOptions { Clients = 1, Keys = 1, MaxRaftState = MaxRaftState, DurationMs = 8_000 }, 3201);
        Assert.True(result.SnapshotsTaken > 0, "no snapshot taken");
        Assert.True(result.MaxRaftState <= 2L * MaxRaftState, $"persisted Raft state reached {result.MaxRaftState} B, limit {MaxRaftState}");
    }

    [Fact]
    public void SnapshotsWithManyClientsAndCrashes()
    {
        var result = Linearizable(new KvSimOptions { Clients = 5, Keys = 2, MaxRaftState = 1_000, Crashes = true, DurationMs = 8_000 }, 3202);
        Assert.True(result.SnapshotsTaken > 0, "no snapshot taken");
    }

    [Fact]
    public void SnapshotsInstalledOnLaggingServersUnderPartitions()
    {
        // A server cut off while the others compact their logs must be brought back with InstallSnapshot.
        var result = Linearizable(new KvSimOptions
        {
            Clients = 5, Keys = 3, MaxRaftState = 1_000, Partitions = true, Unreliable = true, DurationMs = 20_000,
        }, 3203);
        Assert.True(result.SnapshotsInstalled > 0, "no snapshot installed");
    }

    [Fact]
    public void SnapshotsUnderEveryFault() =>
        Linearizable(new KvSimOptions
        {
            Clients = 7, Keys = 3, MaxRaftState = 1_500, Partitions = true, Crashes = true, Unreliable = true,
            LongReordering = true, AbandonAtEnd = true, DurationMs = 20_000,
        }, 3204);

    [Fact]
    public void ClientsRestartingMidOperationWithSlowDisks() =>
        Linearizable(new KvSimOptions
        {
            Clients = 5, Keys = 2, ClientRestarts = true, PersistLatencyMs = 10, Crashes = true, Partitions = true,
            MaxRaftState = 2_000, DurationMs = 15_000,
        }, 3205);

    /// <summary>
    /// The tests can fail: a service whose leaders answer reads from local state (no log, no lease; without
    /// check-quorum a deposed leader keeps believing it leads) produces histories the checker rejects.
    /// </summary>
    [Fact]
    public void CheckerCatchesStaleReadsOfADeposedLeader()
    {
        var options = new KvSimOptions
        {
            Clients = 5, Keys = 1, Partitions = true, DurationMs = 8_000, GetPercent = 50, CheckQuorum = false, UnsafeLocalReads = true,
        };
        // Not every history catches the bug (a deposed leader must serve a read after the new one took a write).
        var rejected = Enumerable.Range(3301, 40).Select(seed => KvScenario.Run(options, seed)).FirstOrDefault(r => r.Check.Outcome == CheckOutcome.Illegal);
        Assert.NotNull(rejected);
        output.WriteLine($"rejected as expected: {rejected}");
    }

    /// <summary>A clerk that gives each retry a new sequence number defeats deduplication: appends applied twice.</summary>
    [Fact]
    public void CheckerCatchesRetriesAppliedTwice()
    {
        var options = new KvSimOptions { Clients = 3, Keys = 1, Unreliable = true, DurationMs = 8_000, GetPercent = 50, UnsafeNewSequenceOnRetry = true };
        var results = Enumerable.Range(3401, 4).Select(seed => KvScenario.Run(options, seed)).ToList();
        var rejected = results.Where(r => r.Check.Outcome == CheckOutcome.Illegal).ToList();
        output.WriteLine($"{rejected.Count} of {results.Count} histories of the broken clerk rejected by the checker, " +
            $"{results.Count(r => r.DurabilityError is not null)} by the final-state check");
        foreach (var r in results)
        {
            output.WriteLine(r.ToString());
        }

        Assert.NotEmpty(rejected);
    }

    private KvRunResult Linearizable(KvSimOptions options, int seed)
    {
        var watch = Stopwatch.StartNew();
        var result = KvScenario.Run(options, seed);
        output.WriteLine($"{options}");
        output.WriteLine($"{result} ({watch.ElapsedMilliseconds} ms wall)");
        Assert.True(result.Check.IsLinearizable, $"seed {seed}: {result.Check.Explanation}");
        Assert.True(result.DurabilityError is null, $"seed {seed}: {result.DurabilityError}");
        Assert.True(result.Completed > 20, $"only {result.Completed} operations completed");
        return result;
    }
}
