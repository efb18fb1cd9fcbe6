namespace RaftOrleans.Raft.Core;

/// <summary>
/// A batch of work the host must do, obtained from <see cref="RaftNode.GetReady"/> and acknowledged with
/// <see cref="RaftNode.Advance"/>. The host processes it in this order:
/// <list type="number">
/// <item>Persist, atomically if it can: <see cref="Snapshot"/> (then drop stable entries &lt;= its index),
/// drop stable entries &gt;= <see cref="TruncateFrom"/>, append <see cref="Entries"/>, store <see cref="HardState"/>.</item>
/// <item>Send <see cref="Messages"/> (these may also be sent before or while persisting).</item>
/// <item>Only once the persist is durable: send <see cref="MessagesAfterPersist"/>.</item>
/// <item>Apply <see cref="SnapshotToApply"/> (if any), then <see cref="CommittedEntries"/>, in order.</item>
/// <item>Serve each of <see cref="ReadStates"/> once its index is applied (or fail it).</item>
/// <item>Call <see cref="RaftNode.Advance"/> with this instance.</item>
/// </list>
/// </summary>
public sealed class Ready
{
    internal Ready(
        HardState? hardState,
        long? truncateFrom,
        IReadOnlyList<LogEntry> entries,
        RaftSnapshot? snapshot,
        IReadOnlyList<RaftMessage> messages,
        IReadOnlyList<RaftMessage> messagesAfterPersist,
        RaftSnapshot? snapshotToApply,
        IReadOnlyList<LogEntry> committedEntries,
        IReadOnlyList<ReadState> readStates)
    {
        HardState = hardState;
        TruncateFrom = truncateFrom;
        Entries = entries;
        Snapshot = snapshot;
        Messages = messages;
        MessagesAfterPersist = messagesAfterPersist;
        SnapshotToApply = snapshotToApply;
        CommittedEntries = committedEntries;
        ReadStates = readStates;
    }

    /// <summary>The term/vote to persist, or null when unchanged since the last Ready.</summary>
    public HardState? HardState { get; }

    /// <summary>When set, stable entries with index &gt;= this value must be removed before appending <see cref="Entries"/>.</summary>
    public long? TruncateFrom { get; }

    /// <summary>Entries to append to stable storage, contiguous and in index order.</summary>
    public IReadOnlyList<LogEntry> Entries { get; }

    /// <summary>A snapshot to persist (local compaction or one received from the leader), or null.</summary>
    public RaftSnapshot? Snapshot { get; }

    /// <summary>Messages that do not depend on this Ready's state being durable (leader appends, pre-vote probes).</summary>
    public IReadOnlyList<RaftMessage> Messages { get; }

    /// <summary>Messages that may leave only after this Ready is durable (votes, acknowledgements, vote requests).</summary>
    public IReadOnlyList<RaftMessage> MessagesAfterPersist { get; }

    /// <summary>A snapshot received from the leader that the state machine must load before applying <see cref="CommittedEntries"/>.</summary>
    public RaftSnapshot? SnapshotToApply { get; }

    /// <summary>Committed entries to apply in order, each handed out exactly once (NoOp entries included; skip them).</summary>
    public IReadOnlyList<LogEntry> CommittedEntries { get; }

    /// <summary>Reads confirmed (serve each once applied up to its index) or failed, in request order.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; }

    /// <summary>True when persisting this Ready is required before <see cref="MessagesAfterPersist"/>.</summary>
    public bool MustPersist => HardState is not null || TruncateFrom is not null || Entries.Count > 0 || Snapshot is not null;
}
