namespace RaftOrleans.Raft.Core;

/// <summary>Log replication (§5.3), the commit rule (§5.4.2, Figure 8) and snapshot installation (§7, Figure 13).</summary>
public sealed partial class RaftNode
{
    /// <summary>Leader Append-Only (Figure 3): the leader only ever appends to its own log.</summary>
    private void AppendAsLeader(LogEntry entry)
    {
        AppendToLog(entry);
        _replicationPending = true;
    }

    /// <summary>Sends whatever each follower may receive now (new entries, within the flow-control bounds).</summary>
    private void FlushReplication()
    {
        if (Role != RaftRole.Leader || !_replicationPending)
        {
            return;
        }

        _replicationPending = false;
        foreach (var peer in _others)
        {
            SendAppend(peer, heartbeat: false);
        }

        // A single-peer cluster commits on its own durability alone.
        MaybeCommit();
    }

    /// <summary>
    /// Leader, when building a Ready: a follower that could apply further than the commit index it was last sent
    /// (it holds the newly committed entries) and gets no AppendEntries now is told with an empty one at its match
    /// index, which it holds, so the message cannot be rejected by a gap in flight.
    /// </summary>
    private bool CommitPushDue() =>
        _config.PushCommitIndex && Role == RaftRole.Leader && _progress.Values.Any(CommitPushDue);

    /// <summary>The follower holds entries committed beyond what it was last told, and streams (is not probed).</summary>
    private bool CommitPushDue(Progress pr) =>
        pr.State == ProgressState.Replicate && Math.Min(CommitIndex, pr.Match) > pr.CommitSent;

    /// <summary>
    /// Leader, when building a Ready: a follower that could apply further than the commit index it was last sent
    /// (it holds the newly committed entries) and gets no AppendEntries now is told with an empty one at its match
    /// index, which it holds, so the message cannot be rejected by a gap in flight.
    /// </summary>
    private void PushCommitIndex()
    {
        if (Role != RaftRole.Leader || !_config.PushCommitIndex)
        {
            return;
        }

        foreach (var (peer, pr) in _progress)
        {
            if (!CommitPushDue(pr))
            {
                continue;
            }

            // A match behind the snapshot has no term to name: that follower learns the commit with its next entries.
            if (_log.TryTerm(pr.Match) is { } matchTerm)
            {
                Send(new AppendEntriesRequest(Id, peer, CurrentTerm, pr.Match, matchTerm, [], CommitIndex, _readRound));
            }

            pr.CommitSent = Math.Min(CommitIndex, pr.Match);
        }
    }

    private void BroadcastHeartbeat()
    {
        _replicationPending = false;
        foreach (var peer in _others)
        {
            SendAppend(peer, heartbeat: true);
        }
    }

    /// <summary>
    /// Sends AppendEntries (or InstallSnapshot when the follower needs compacted entries) to one follower.
    /// A heartbeat always sends one message and carries entries when there are some (§5.2: heartbeats are
    /// AppendEntries). Otherwise: Probe state sends one message per heartbeat interval; Replicate state streams
    /// batches of at most MaxEntriesPerAppend while fewer than MaxInflightAppends are unacknowledged; Snapshot
    /// state sends only empty heartbeats, which keep the follower from campaigning while it installs.
    /// </summary>
    private void SendAppend(string peer, bool heartbeat)
    {
        if (!_progress.TryGetValue(peer, out var pr))
        {
            // Its answer committed a configuration without it (the leave of a joint one): nothing more goes to it.
            return;
        }

        if (pr.State == ProgressState.Snapshot)
        {
            if (heartbeat)
            {
                Send(new AppendEntriesRequest(Id, peer, CurrentTerm, _log.SnapshotIndex, _log.SnapshotTerm, [], CommitIndex, _readRound));
            }

            return;
        }

        if (pr.State == ProgressState.Probe)
        {
            if (pr.ProbeSent && !heartbeat)
            {
                return;
            }

            // A follower silent for an election timeout may be dead: probe it without entries or snapshot, so the
            // leader does not ship data into the void every heartbeat; data flows again once it answers.
            pr.ProbeSent = true;
            SendOneAppend(peer, pr, withEntries: pr.TicksSinceResponse < _config.ElectionTicks);
            return;
        }

        var sent = false;
        while (pr.State == ProgressState.Replicate && pr.Next <= _log.LastIndex && pr.Inflight.Count < _config.MaxInflightAppends)
        {
            SendOneAppend(peer, pr, withEntries: true);
            sent = true;
        }

        if (heartbeat && !sent)
        {
            SendOneAppend(peer, pr, withEntries: pr.Inflight.Count < _config.MaxInflightAppends);
        }
    }

    private void SendOneAppend(string peer, Progress pr, bool withEntries)
    {
        var prevIndex = pr.Next - 1;
        var prevTerm = _log.TryTerm(prevIndex);
        if (prevTerm is null && !withEntries)
        {
            // An empty probe at our snapshot point: answers tell us the follower is alive.
            Send(new AppendEntriesRequest(Id, peer, CurrentTerm, _log.SnapshotIndex, _log.SnapshotTerm, [], CommitIndex, _readRound));
            return;
        }

        if (prevTerm is null)
        {
            // The follower needs entries we compacted: send the snapshot (§7) and wait for its answer.
            var snapshot = _snapshot ?? throw new InvalidOperationException("Log compacted without a snapshot.");
            Send(new InstallSnapshotRequest(Id, peer, CurrentTerm, snapshot));
            pr.BecomeSnapshot(snapshot.LastIncludedIndex);
            return;
        }

        var entries = withEntries
            ? _log.Slice(pr.Next, _log.LastIndex, _config.MaxEntriesPerAppend, _config.MaxBytesPerAppend)
            : [];
        Send(new AppendEntriesRequest(Id, peer, CurrentTerm, prevIndex, prevTerm.Value, entries, CommitIndex, _readRound));
        pr.CommitSent = Math.Max(pr.CommitSent, Math.Min(CommitIndex, prevIndex + entries.Length));
        if (pr.State == ProgressState.Replicate && entries.Length > 0)
        {
            // Pipelining: advance nextIndex optimistically and remember the message until it is acknowledged.
            pr.Next = entries[^1].Index + 1;
            pr.Inflight.Enqueue(pr.Next - 1);
        }
    }

    private void HandleAppendSuccess(string peer, Progress pr, long matchIndex)
    {
        // §5.3: on success update nextIndex and matchIndex for the follower.
        if (matchIndex > pr.Match)
        {
            pr.Match = matchIndex;
        }

        if (pr.State == ProgressState.Snapshot)
        {
            if (pr.Match < pr.PendingSnapshot)
            {
                // An answer to something older than the snapshot in flight: keep waiting for the snapshot's.
                MaybeCommit();
                return;
            }

            pr.BecomeReplicate();
        }
        else if (pr.State == ProgressState.Probe)
        {
            pr.BecomeReplicate();
        }
        else
        {
            pr.Next = Math.Max(pr.Next, pr.Match + 1);
            pr.FreeUpTo(pr.Match);
        }

        MaybeCommit();
        SendAppend(peer, heartbeat: false);
        MaybeSendTimeoutNow(peer, pr);
        TrackCatchUp(peer, pr);
    }

    /// <summary>
    /// §5.3: after a rejection decrement nextIndex and retry, using the follower's hints to skip a whole
    /// conflicting term (or the missing tail) per round trip.
    /// </summary>
    private void HandleAppendRejection(string peer, Progress pr, AppendEntriesResponse r)
    {
        if (pr.State == ProgressState.Snapshot)
        {
            // The follower lacks the snapshot's prefix until it installs it: that is what is on its way.
            return;
        }

        var stale = pr.State == ProgressState.Replicate
            ? r.RejectedIndex <= pr.Match
            : r.RejectedIndex != pr.Next - 1;
        if (stale)
        {
            return;
        }

        long next;
        if (r.ConflictTerm > 0)
        {
            var lastOfTerm = _log.LastIndexOfTerm(r.ConflictTerm, r.RejectedIndex);
            next = lastOfTerm is { } last && last >= _log.SnapshotIndex ? last + 1 : r.ConflictIndex;
        }
        else
        {
            next = r.ConflictIndex;
        }

        pr.BecomeProbe();
        pr.Next = Math.Max(pr.Match + 1, Math.Min(next, r.RejectedIndex));
        SendAppend(peer, heartbeat: false);
    }

    /// <summary>
    /// §5.3/§5.4.2 (Figure 2, rules for leaders): commitIndex = N for the largest N replicated on a majority,
    /// only if log[N].term == currentTerm (Figure 8: entries of earlier terms are never committed by counting).
    /// The leader counts itself only up to what its own storage made durable.
    /// </summary>
    private void MaybeCommit()
    {
        if (Role != RaftRole.Leader)
        {
            return;
        }

        var n = Membership.CommittedIndex(p => p == Id ? Math.Min(_stableIndex, _log.LastIndex) : _progress.TryGetValue(p, out var pr) ? pr.Match : 0);
        if (n > CommitIndex && _log.TryTerm(n) == CurrentTerm)
        {
            CommitIndex = n;
            FixReadIndices();
            AdvanceMembership();
        }
    }

    /// <summary>AppendEntries receiver (Figure 2, steps 2–5).</summary>
    private void HandleAppendEntries(AppendEntriesRequest m)
    {
        var prevIndex = m.PrevLogIndex;
        var prevTerm = m.PrevLogTerm;
        IReadOnlyList<LogEntry> entries = m.Entries;
        var lastNewIndex = m.PrevLogIndex + m.Entries.Length;

        if (prevIndex < _log.SnapshotIndex)
        {
            // The prefix up to our snapshot is committed and identical everywhere: skip it.
            var skip = (int)Math.Min(entries.Count, _log.SnapshotIndex - prevIndex);
            entries = [.. entries.Skip(skip)];
            prevIndex = _log.SnapshotIndex;
            prevTerm = _log.SnapshotTerm;
            if (entries.Count == 0)
            {
                SendAfterPersist(new AppendEntriesResponse(Id, m.From, CurrentTerm, true, Math.Max(lastNewIndex, 0), 0, 0, 0, m.ReadRound, StorageRefusing));
                AnswerWhatIsDurable(m, Math.Max(lastNewIndex, 0));
                return;
            }
        }

        // Step 2: reply false if the log does not contain an entry at prevLogIndex whose term matches prevLogTerm.
        var localTerm = _log.TryTerm(prevIndex);
        if (localTerm is null)
        {
            SendAfterPersist(new AppendEntriesResponse(Id, m.From, CurrentTerm, false, 0, m.PrevLogIndex, 0, _log.LastIndex + 1, m.ReadRound, StorageRefusing));
            return;
        }

        if (localTerm != prevTerm)
        {
            SendAfterPersist(new AppendEntriesResponse(
                Id, m.From, CurrentTerm, false, 0, m.PrevLogIndex, localTerm.Value, _log.FirstIndexOfTermAt(prevIndex), m.ReadRound, StorageRefusing));
            return;
        }

        // Steps 3–4: delete a conflicting entry and all that follow it; append entries not already in the log.
        // An entry that is already present with the same term is kept (a delayed, reordered request must not truncate).
        foreach (var entry in entries)
        {
            var existing = _log.TryTerm(entry.Index);
            if (existing == entry.Term)
            {
                continue;
            }

            if (existing is not null)
            {
                TruncateLog(entry.Index);
            }

            AppendToLog(entry);
        }

        // Step 5: if leaderCommit > commitIndex, commitIndex = min(leaderCommit, index of last new entry).
        if (m.LeaderCommit > CommitIndex)
        {
            CommitIndex = Math.Max(CommitIndex, Math.Min(m.LeaderCommit, lastNewIndex));
        }

        SendAfterPersist(new AppendEntriesResponse(Id, m.From, CurrentTerm, true, lastNewIndex, 0, 0, 0, m.ReadRound, StorageRefusing));
        AnswerWhatIsDurable(m, lastNewIndex);
    }

    /// <summary>
    /// While this follower's save is out, an acknowledgement waits for it (§5: the term and entries it vouches for must
    /// be durable first), so a heartbeat would go unanswered for the whole save: a leader that hears from no majority
    /// within an election timeout steps down and confirms no read, and a save can last that long (a large snapshot, a
    /// full disk retried). What is durable already can be said at once: the same answer, its match cut to the prefix
    /// of the log that is durable and unchanged in memory (<c>_stableIndex</c>), provided its term is durable. The
    /// full answer still follows the save; the leader takes each match only when it is higher.
    /// </summary>
    private void AnswerWhatIsDurable(AppendEntriesRequest m, long lastNewIndex)
    {
        if (_outstanding is null || _outstanding.HardState is not null || _persistedHardState.CurrentTerm != CurrentTerm)
        {
            return;
        }

        Send(new AppendEntriesResponse(Id, m.From, CurrentTerm, true, Math.Min(lastNewIndex, _stableIndex), 0, 0, 0, m.ReadRound, StorageRefusing));
    }

    private void TruncateLog(long index)
    {
        if (index <= CommitIndex)
        {
            throw new InvalidOperationException($"Peer {Id} would truncate committed index {index} (commitIndex {CommitIndex}).");
        }

        _log.TruncateFrom(index);
        if (MembershipIndex >= index)
        {
            _memberships.TruncatedFrom(index);
            MembershipChanged();
        }

        if (index < _unstableFrom)
        {
            _pendingTruncateFrom = Math.Min(_pendingTruncateFrom ?? index, index);
            _unstableFrom = index;
        }

        _stableIndex = Math.Min(_stableIndex, index - 1);
    }

    /// <summary>
    /// InstallSnapshot receiver (Figure 13). A snapshot that is not newer than our commit index is stale and ignored
    /// (everything it covers is already committed here); otherwise the log is trimmed (keeping a matching suffix)
    /// and the snapshot is handed to the state machine, so no entry it covers is ever applied.
    /// </summary>
    private void HandleInstallSnapshot(InstallSnapshotRequest m)
    {
        var s = m.Snapshot;
        if (s.LastIncludedIndex <= CommitIndex)
        {
            SendAfterPersist(new InstallSnapshotResponse(Id, m.From, CurrentTerm, CommitIndex));
            return;
        }

        var keptSuffix = _log.CompactTo(s.LastIncludedIndex, s.LastIncludedTerm);
        _memberships.Restored(s.LastIncludedIndex, s.Membership ?? new Membership(_config.PeerIds), keptSuffix);
        MembershipChanged();
        _snapshot = s;
        _pendingSnapshotPersist = s;
        _pendingSnapshotApply = s;
        AfterCompaction(s.LastIncludedIndex, keptSuffix);
        CommitIndex = s.LastIncludedIndex;
        _applying = s.LastIncludedIndex;
        SendAfterPersist(new InstallSnapshotResponse(Id, m.From, CurrentTerm, s.LastIncludedIndex));
    }

    /// <summary>Keeps the persistence bookkeeping consistent after the log was compacted up to <paramref name="index"/>.</summary>
    private void AfterCompaction(long index, bool keptSuffix)
    {
        if (!keptSuffix || (_pendingTruncateFrom is { } t && t <= index))
        {
            // The host drops everything after the snapshot and receives the retained suffix again.
            _pendingTruncateFrom = index + 1;
            _unstableFrom = index + 1;
            _stableIndex = Math.Min(_stableIndex, index);
        }
        else
        {
            _unstableFrom = Math.Max(_unstableFrom, index + 1);
        }
    }
}
