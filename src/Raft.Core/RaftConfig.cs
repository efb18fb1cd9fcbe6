namespace RaftOrleans.Raft.Core;

/// <summary>
/// Static configuration of one Raft peer. Time is measured in abstract ticks: the host calls
/// <see cref="RaftNode.Tick"/> at a fixed rate and chooses what a tick is worth in real time.
/// </summary>
public sealed record RaftConfig
{
    /// <summary>This peer's id; not among <see cref="PeerIds"/> when it joins a running group (it learns the configuration from the leader).</summary>
    public required string SelfId { get; init; }

    /// <summary>The group's initial voters: its configuration until a configuration entry or a snapshot says otherwise.</summary>
    public required IReadOnlyList<string> PeerIds { get; init; }

    /// <summary>
    /// Base election timeout in ticks. Each follower/candidate draws its timeout uniformly in
    /// [ElectionTicks, 2 * ElectionTicks) (§5.2). Also the check-quorum and leader-lease period.
    /// </summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between two heartbeats of a leader. Must be smaller than <see cref="ElectionTicks"/>.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Upper bound on the number of entries in one AppendEntries (batching).</summary>
    public int MaxEntriesPerAppend { get; init; } = 64;

    /// <summary>Soft upper bound on the command bytes of one AppendEntries (at least one entry is always sent).</summary>
    public long MaxBytesPerAppend { get; init; } = 1 << 20;

    /// <summary>Bound on AppendEntries carrying entries that may be in flight to one follower (pipelining).</summary>
    public int MaxInflightAppends { get; init; } = 4;

    /// <summary>Pre-vote (Ongaro thesis §9.6): a would-be candidate first asks whether it could win.</summary>
    public bool PreVote { get; init; }

    /// <summary>
    /// Check-quorum (thesis §6.2): a leader that has not heard from a majority within an election
    /// timeout steps down; a follower that heard from a leader within the timeout ignores vote requests (lease).
    /// </summary>
    public bool CheckQuorum { get; init; }

    /// <summary>
    /// A new leader appends an empty <see cref="LogEntryKind.NoOp"/> entry of its term (§8), so that entries of
    /// earlier terms commit without waiting for a client command. The lab's index expectations assume false.
    /// </summary>
    public bool LeaderNoOp { get; init; } = true;

    /// <summary>
    /// When the commit index moves and no AppendEntries with entries is about to carry it, the leader tells each
    /// follower at once (an empty AppendEntries) instead of at the next heartbeat, so followers apply a round trip
    /// after the leader, not a heartbeat interval later. Under load entries carry it and nothing extra is sent.
    /// </summary>
    public bool PushCommitIndex { get; init; } = true;

    /// <summary>Throws if the configuration is inconsistent.</summary>
    public void Validate()
    {
        if (PeerIds.Count == 0)
        {
            throw new ArgumentException($"{nameof(PeerIds)} is empty.");
        }

        if (PeerIds.Distinct().Count() != PeerIds.Count)
        {
            throw new ArgumentException($"{nameof(PeerIds)} contains duplicates.");
        }

        if (HeartbeatTicks <= 0 || ElectionTicks <= HeartbeatTicks)
        {
            throw new ArgumentException($"Need 0 < {nameof(HeartbeatTicks)} < {nameof(ElectionTicks)}.");
        }

        if (MaxEntriesPerAppend <= 0 || MaxBytesPerAppend <= 0 || MaxInflightAppends <= 0)
        {
            throw new ArgumentException("Append limits must be positive.");
        }
    }
}
