namespace RaftOrleans.Raft.Core;

/// <summary>
/// Linearizable reads without a log write (thesis §6.4, ReadIndex). The leader fixes a read's index at its commit
/// index (once an entry of its own term has committed, so that index covers everything committed before the read
/// arrived), then confirms it is still the leader: every AppendEntries carries the number of the latest read round,
/// a follower's answer echoes it, and when a majority has answered a round started after the read, no newer leader
/// can have committed anything the read would miss. The host then reads once it has applied up to the index.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Leader only: reads not yet confirmed, in arrival order.</summary>
    private readonly List<PendingRead> _pendingReads = [];

    /// <summary>Reads confirmed or failed, for the next Ready.</summary>
    private List<ReadState> _readStates = [];

    /// <summary>Leader only: the latest read round; every AppendEntries carries it.</summary>
    private long _readRound;

    /// <summary>
    /// Asks for a linearizable read. On the leader it is taken, and a <see cref="ReadState"/> for
    /// <paramref name="requestId"/> comes out in a later Ready (failed, if leadership is lost first); elsewhere it is
    /// rejected at once with the leader this peer knows of.
    /// </summary>
    public ReadRequestResult RequestRead(long requestId)
    {
        if (Role != RaftRole.Leader)
        {
            return new ReadRequestResult(false, LeaderId);
        }

        _pendingReads.Add(new PendingRead(requestId));
        FixReadIndices();
        ConfirmReads();
        return new ReadRequestResult(true, Id);
    }

    /// <summary>Gives waiting reads the commit index, once it holds an entry of this leader's term (§6.4 step 1).</summary>
    private void FixReadIndices()
    {
        if (Role != RaftRole.Leader || !CommittedInTerm)
        {
            return;
        }

        foreach (var read in _pendingReads.Where(r => r.Index < 0))
        {
            read.Index = CommitIndex;
        }
    }

    /// <summary>Leader, when building a Ready: starts a round for the reads that have an index but no round.</summary>
    private void FlushReads()
    {
        if (Role != RaftRole.Leader || !_pendingReads.Any(r => r.Index >= 0 && r.Round == 0))
        {
            return;
        }

        _readRound++;
        foreach (var read in _pendingReads.Where(r => r.Index >= 0 && r.Round == 0))
        {
            read.Round = _readRound;
        }

        BroadcastHeartbeat();
        ConfirmReads();
    }

    /// <summary>A follower answered an AppendEntries of <paramref name="round"/>: it still takes this peer as leader.</summary>
    private void AckReadRound(Progress pr, long round)
    {
        if (round > pr.ReadRoundAcked)
        {
            pr.ReadRoundAcked = round;
            ConfirmReads();
        }
    }

    /// <summary>Reads whose round a majority has answered are confirmed, in order (§6.4 step 3).</summary>
    private void ConfirmReads()
    {
        while (_pendingReads.Count > 0 && _pendingReads[0] is { Index: >= 0, Round: > 0 } read
               && Membership.HasQuorum(p => p == Id || (_progress.TryGetValue(p, out var pr) && pr.ReadRoundAcked >= read.Round)))
        {
            _pendingReads.RemoveAt(0);
            _readStates.Add(new ReadState(read.RequestId, read.Index));
        }
    }

    /// <summary>On losing leadership: every read not yet confirmed fails.</summary>
    private void FailPendingReads()
    {
        foreach (var read in _pendingReads)
        {
            _readStates.Add(new ReadState(read.RequestId, -1));
        }

        _pendingReads.Clear();
    }

    private sealed class PendingRead(long requestId)
    {
        public long RequestId { get; } = requestId;

        /// <summary>The commit index the read must wait for; -1 until the leader has committed in its term.</summary>
        public long Index { get; set; } = -1;

        /// <summary>The round confirming it; 0 until one started.</summary>
        public long Round { get; set; }
    }
}
