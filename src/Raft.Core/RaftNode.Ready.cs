namespace RaftOrleans.Raft.Core;

/// <summary>The output side: building <see cref="Ready"/> batches and acknowledging them.</summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// True when there is work for the host (state or entries to persist, messages to send, entries or a snapshot
    /// to apply) and no Ready is outstanding.
    /// </summary>
    public bool HasReady =>
        _outstanding is null
        && ((_replicationPending && Role == RaftRole.Leader)
            || _persistedHardState.CurrentTerm != CurrentTerm
            || _persistedHardState.VotedFor != VotedFor
            || _pendingTruncateFrom is not null
            || _unstableFrom <= _log.LastIndex
            || _pendingSnapshotPersist is not null
            || _pendingSnapshotApply is not null
            || _messages.Count > 0
            || _messagesAfterPersist.Count > 0
            || _readStates.Count > 0
            || CommitPushDue()
            || (Role == RaftRole.Leader && _pendingReads.Any(r => r.Index >= 0 && r.Round == 0))
            || Math.Min(CommitIndex, _log.LastIndex) > _applying);

    /// <summary>
    /// Hands out the next batch of work. Only one Ready may be outstanding: call <see cref="Advance"/> before the
    /// next GetReady. Step, Tick, Propose and Snapshot may be called while a Ready is outstanding (for instance while
    /// the host awaits its storage); their effects go into the next Ready.
    /// </summary>
    public Ready GetReady()
    {
        if (_outstanding is not null)
        {
            throw new InvalidOperationException("The previous Ready was not advanced.");
        }

        FlushReplication();
        FlushReads();
        PushCommitIndex();

        HardState? hardState = null;
        if (_persistedHardState.CurrentTerm != CurrentTerm || _persistedHardState.VotedFor != VotedFor)
        {
            hardState = new HardState(CurrentTerm, VotedFor);
            _persistedHardState = hardState;
        }

        var entries = _log.Slice(_unstableFrom, _log.LastIndex);
        _unstableFrom = _log.LastIndex + 1;
        var truncateFrom = _pendingTruncateFrom;
        _pendingTruncateFrom = null;
        var snapshot = _pendingSnapshotPersist;
        _pendingSnapshotPersist = null;
        var snapshotToApply = _pendingSnapshotApply;
        _pendingSnapshotApply = null;

        var committed = TakeCommitted();
        var messages = _messages;
        var messagesAfterPersist = _messagesAfterPersist;
        var readStates = _readStates;
        _messages = [];
        _messagesAfterPersist = [];
        _readStates = [];

        var ready = new Ready(hardState, truncateFrom, entries, snapshot, messages, messagesAfterPersist, snapshotToApply, committed, readStates);
        _outstanding = ready;
        _outstandingAppliedTo = _applying;
        return ready;
    }

    /// <summary>
    /// While a Ready is outstanding (the host awaits its storage), hands out the messages produced since that need
    /// nothing persisted first: the leader's heartbeats and pre-vote probes, and the round of heartbeats that confirms
    /// reads asked for since (§6.4 needs no write). A heartbeat to a streaming follower also carries the entries not yet
    /// sent to it, as outside a save (a leader may send entries before its own write of them, §10.2.1, as it does with
    /// every Ready). Without it a leader writing a large snapshot falls silent for the whole write, its followers elect
    /// another, and no read is answered until the write is done. A follower's acknowledgement of what is durable already
    /// leaves too (<c>AnswerWhatIsDurable</c>). Everything a term, a vote or a log must be durable for first (the
    /// acknowledgement of what the save writes, votes, vote requests) stays for the next Ready.
    /// </summary>
    public IReadOnlyList<RaftMessage> TakeMessages()
    {
        if (_outstanding is null)
        {
            return [];
        }

        FlushReads();
        if (_messages.Count == 0)
        {
            return [];
        }

        var messages = _messages;
        _messages = [];
        return messages;
    }

    /// <summary>
    /// While a Ready is outstanding, hands out the entries committed since it was taken, for the host to apply at once
    /// instead of after its save. Commitment counts durable copies only (a follower acknowledges after its write, the
    /// leader counts its own entries after <see cref="Advance"/>), so an entry may be applied before this peer's own
    /// write of it is done (§10.2.1): without it a leader writing a large snapshot answers no client for the whole
    /// write although its followers go on committing. The host must apply the outstanding Ready's committed entries
    /// and snapshot before any taken here; nothing is handed out while a snapshot from the leader waits for the next
    /// Ready, since the entries after it must follow its restore.
    /// </summary>
    public IReadOnlyList<LogEntry> TakeCommittedEntries()
    {
        if (_outstanding is null || _pendingSnapshotApply is not null)
        {
            return [];
        }

        var committed = TakeCommitted();
        _outstandingAppliedTo = _applying;
        return committed;
    }

    /// <summary>
    /// While a Ready is outstanding, hands out the reads confirmed (or failed) since it was taken: a confirmed read
    /// needs nothing of this peer's save, only that the host has applied up to its index before it answers, which the
    /// entries of the outstanding Ready and of <see cref="TakeCommittedEntries"/> bring.
    /// </summary>
    public IReadOnlyList<ReadState> TakeReadStates()
    {
        if (_outstanding is null || _readStates.Count == 0)
        {
            return [];
        }

        var readStates = _readStates;
        _readStates = [];
        return readStates;
    }

    /// <summary>Committed entries go out in index order, each once; entries covered by a snapshot never do (§7).</summary>
    private LogEntry[] TakeCommitted()
    {
        _applying = Math.Max(_applying, _log.SnapshotIndex);
        var committed = _log.Slice(_applying + 1, Math.Min(CommitIndex, _log.LastIndex));
        if (committed.Length > 0)
        {
            _applying = committed[^1].Index;
        }

        return committed;
    }

    /// <summary>
    /// Acknowledges that the host persisted, sent and applied <paramref name="ready"/>. The leader then counts its own
    /// newly durable entries toward commitment.
    /// </summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _outstanding))
        {
            throw new InvalidOperationException("Advance must acknowledge the outstanding Ready.");
        }

        _outstanding = null;
        LastApplied = Math.Max(LastApplied, _outstandingAppliedTo);
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            if (_log.TryTerm(last.Index) == last.Term)
            {
                // Log Matching: same index and term means the whole durable prefix equals ours.
                _stableIndex = Math.Max(_stableIndex, last.Index);
            }
        }

        if (ready.Snapshot is { } s && _log.TryTerm(s.LastIncludedIndex) == s.LastIncludedTerm)
        {
            _stableIndex = Math.Max(_stableIndex, s.LastIncludedIndex);
        }

        MaybeCommit();
    }
}
