using System.Diagnostics.Metrics;

namespace RaftOrleans.Raft.Diagnostics;

/// <summary>
/// The Raft peers' instruments, on the meter <see cref="MeterName"/>: read them live with
/// <c>dotnet-counters monitor -n RaftOrleans.Silo --counters RaftOrleans.Raft</c>, or have the silo log them
/// (<c>RaftOrleans:Raft:MetricsLogPeriod</c>). Peer measurements carry the group (tag <c>raft.group</c>); a silo is its
/// process.
/// </summary>
public static class RaftMetrics
{
    public const string MeterName = "RaftOrleans.Raft";

    public const string GroupTag = "raft.group";

    public const string MessageTag = "raft.message";

    public const string StorageTag = "raft.storage";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Counter<long> Proposals =
        Meter.CreateCounter<long>("raft.proposals", "{command}", "Commands a leader appended to its log for a caller.");

    internal static readonly Counter<long> EntriesApplied =
        Meter.CreateCounter<long>("raft.entries.applied", "{entry}", "Committed entries applied to a state machine.");

    internal static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram<double>("raft.commit.duration", "ms", "From a leader appending a caller's command to applying it.");

    internal static readonly Histogram<long> ApplyBatch =
        Meter.CreateHistogram<long>("raft.apply.batch", "{entry}", "Entries applied at once: how far a state machine trailed the commit index it learned.");

    internal static readonly Counter<long> Reads =
        Meter.CreateCounter<long>("raft.reads", "{read}", "Linearizable reads (ReadIndex) a leader answered.");

    internal static readonly Histogram<double> SaveDuration =
        Meter.CreateHistogram<double>("raft.storage.save.duration", "ms", "One durable write of a peer's Ready.");

    internal static readonly Counter<long> SaveRetries =
        Meter.CreateCounter<long>("raft.storage.save.retries", "{retry}", "Saves the storage refused (a full disk, Redis gone) and the peer tried again.");

    internal static readonly Histogram<long> SaveEntries =
        Meter.CreateHistogram<long>("raft.storage.save.entries", "{entry}", "Log entries in one durable write of a peer.");

    /// <summary>Tagged <c>raft.storage</c>: what the store committed at once (SQLite: one transaction and fsync for the saves of every peer in the process).</summary>
    internal static readonly Counter<long> StorageTransactions =
        Meter.CreateCounter<long>("raft.storage.transactions", "{transaction}", "Transactions the Raft storage committed (each one fsync).");

    internal static readonly Counter<long> StorageLockWaits =
        Meter.CreateCounter<long>("raft.storage.lock_waits", "{wait}", "Times the SQLite writer found the database locked by another process and waited.");

    internal static readonly Histogram<double> SnapshotDuration =
        Meter.CreateHistogram<double>("raft.snapshot.duration", "ms", "From capturing a peer's state machine to its snapshot's bytes (serialized off the grain's scheduler).");

    internal static readonly Histogram<long> SnapshotSize =
        Meter.CreateHistogram<long>("raft.snapshot.size", "By", "Bytes of one snapshot a peer took (written with its next save).");

    internal static readonly Counter<long> Elections =
        Meter.CreateCounter<long>("raft.elections", "{election}", "Campaigns a peer started (it became candidate).");

    internal static readonly Counter<long> TermChanges =
        Meter.CreateCounter<long>("raft.term.changes", "{change}", "Times a peer moved to a newer term.");

    internal static readonly Counter<long> LeaderChanges =
        Meter.CreateCounter<long>("raft.leader.changes", "{change}", "Times a peer became leader.");

    /// <summary>Tagged <c>raft.message</c> with the message's kind.</summary>
    internal static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("raft.messages.sent", "{message}", "Raft messages a peer sent.");

    internal static readonly Counter<long> MessagesWithheld =
        Meter.CreateCounter<long>("raft.messages.withheld", "{message}", "Raft messages a peer did not send because it held no ownership lease (just claimed, or its storage not confirming it).");

    internal static readonly Counter<long> MessagesDropped =
        Meter.CreateCounter<long>("raft.messages.dropped", "{message}", "Raft messages that reached a peer's grain while no running peer was there to take them.");
}
