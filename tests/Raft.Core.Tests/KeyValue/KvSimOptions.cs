namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>One simulated run of the key/value service: cluster, workload and faults.</summary>
public sealed record KvSimOptions
{
    public int Servers { get; init; } = 5;

    public int Clients { get; init; } = 1;

    /// <summary>Clients pick keys among this many, so that several clients contend on each key.</summary>
    public int Keys { get; init; } = 1;

    /// <summary>Virtual milliseconds during which clients issue operations (and faults happen).</summary>
    public long DurationMs { get; init; } = 5_000;

    /// <summary>10 % of messages (peer and client) lost, delays of 0–26 ms.</summary>
    public bool Unreliable { get; init; }

    /// <summary>Some peer messages are delayed by 200–2200 ms (stale messages arrive late).</summary>
    public bool LongReordering { get; init; }

    /// <summary>The servers are split into two random groups, changing about every second.</summary>
    public bool Partitions { get; init; }

    /// <summary>Servers crash (losing everything but their persisted state) and restart.</summary>
    public bool Crashes { get; init; }

    /// <summary>Crash every server at once (the lab's persist tests) rather than one at a time.</summary>
    public bool CrashAll { get; init; }

    /// <summary>Snapshot the store and compact the log when the persisted Raft state reaches this many bytes; -1: never.</summary>
    public int MaxRaftState { get; init; } = -1;

    /// <summary>When the clients stop, each one with an operation in flight gives it up with probability 1/2 (it stays pending).</summary>
    public bool AbandonAtEnd { get; init; }

    /// <summary>Fraction (percent) of operations that are Get; the rest are Append, with 1 in 8 writes a Put.</summary>
    public int GetPercent { get; init; } = 35;

    /// <summary>0: a Ready is persisted at once. Otherwise its persist takes 1..PersistLatencyMs ms of virtual time.</summary>
    public int PersistLatencyMs { get; init; }

    /// <summary>Now and then a client process dies with an operation in flight (left pending) and a new one replaces it.</summary>
    public bool ClientRestarts { get; init; }

    public bool PreVote { get; init; } = true;

    public bool CheckQuorum { get; init; } = true;

    /// <summary>
    /// A deliberately broken service for testing the tests: a server that believes it leads answers Get from its local
    /// state without going through the log (a deposed leader serves stale reads).
    /// </summary>
    public bool UnsafeLocalReads { get; init; }

    /// <summary>
    /// A deliberately broken clerk: every retry gets a new sequence number, so the servers cannot recognise it as a
    /// retry and may apply the command twice.
    /// </summary>
    public bool UnsafeNewSequenceOnRetry { get; init; }

    public override string ToString() =>
        $"n={Servers} clients={Clients} keys={Keys} {DurationMs}ms unreliable={Unreliable} reorder={LongReordering} " +
        $"partitions={Partitions} crashes={(Crashes ? CrashAll ? "all" : "one" : "no")} maxraftstate={MaxRaftState} " +
        $"abandon={AbandonAtEnd} clientRestarts={ClientRestarts} persistMs={PersistLatencyMs} get%={GetPercent} prevote={PreVote} checkquorum={CheckQuorum}{(UnsafeLocalReads ? " UNSAFE-LOCAL-READS" : "")}{(UnsafeNewSequenceOnRetry ? " UNSAFE-NEW-SEQUENCE-ON-RETRY" : "")}";
}
