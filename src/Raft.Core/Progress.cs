namespace RaftOrleans.Raft.Core;

/// <summary>The leader's view of one follower (Figure 2's nextIndex[] / matchIndex[] plus flow control).</summary>
internal sealed class Progress
{
    /// <summary>matchIndex: highest index known to be replicated on the follower. Invariant: 0 &lt;= Match &lt; Next.</summary>
    public long Match { get; set; }

    /// <summary>nextIndex: index of the next entry to send.</summary>
    public long Next { get; set; }

    public ProgressState State { get; set; } = ProgressState.Probe;

    /// <summary>In Probe: a message was sent this heartbeat interval and no answer came yet.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>In Replicate: the last index of each AppendEntries in flight. Count &lt;= MaxInflightAppends.</summary>
    public Queue<long> Inflight { get; } = new();

    /// <summary>Something was heard from the follower since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Ticks since the last response of the follower, to fall back from Replicate to Probe.</summary>
    public int TicksSinceResponse { get; set; }

    /// <summary>The highest commit index sent to the follower that it can use (within the entries it will hold).</summary>
    public long CommitSent { get; set; }

    /// <summary>The follower's last answer said its storage refuses writes (a full disk).</summary>
    public bool Refusing { get; set; }

    /// <summary>The latest read round the follower answered (ReadIndex).</summary>
    public long ReadRoundAcked { get; set; }

    /// <summary>In Snapshot: the index of the snapshot sent, which an answer must reach to end the state.</summary>
    public long PendingSnapshot { get; private set; }

    /// <summary>In Snapshot: ticks since the snapshot was sent.</summary>
    public int SnapshotTicks { get; set; }

    /// <summary>A learner joining as a voter: the index its current catch-up round must reach (the leader's last as it began).</summary>
    public long RoundEnd { get; set; }

    /// <summary>A learner joining as a voter: ticks since its current catch-up round began.</summary>
    public int RoundTicks { get; set; }

    /// <summary>A learner joining as a voter finished a catch-up round within an election timeout.</summary>
    public bool CaughtUp { get; set; }

    public void BecomeProbe()
    {
        State = ProgressState.Probe;
        Next = Match + 1;
        ProbeSent = false;
        Inflight.Clear();
    }

    public void BecomeSnapshot(long index)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = index;
        SnapshotTicks = 0;
        Next = Math.Max(Next, index + 1);
        ProbeSent = false;
        Inflight.Clear();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        Inflight.Clear();
    }

    /// <summary>Releases the in-flight slots of appends acknowledged up to <paramref name="match"/>.</summary>
    public void FreeUpTo(long match)
    {
        while (Inflight.Count > 0 && Inflight.Peek() <= match)
        {
            Inflight.Dequeue();
        }
    }
}
