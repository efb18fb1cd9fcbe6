namespace RaftOrleans.Raft.Core;

/// <summary>
/// One Raft peer as a pure, deterministic state machine (Ongaro &amp; Ousterhout, extended paper, Figure 2, §5–7),
/// in the style of etcd's raft package: the host feeds it ticks (<see cref="Tick"/>), messages (<see cref="Step"/>),
/// commands (<see cref="Propose"/>) and compaction points (<see cref="Snapshot"/>), then drains
/// <see cref="GetReady"/> (persist, send, apply) and acknowledges with <see cref="Advance"/>.
/// No I/O, no threads, no clock; randomness is injected. Not thread-safe: one caller at a time.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftConfig _config;
    private readonly Random _random;
    /// <summary>Every other member of the configuration in force (<see cref="MembershipChanged"/>).</summary>
    private string[] _others = [];
    private readonly RaftLog _log;

    /// <summary>Leader only: per-follower replication state. Empty otherwise.</summary>
    private readonly Dictionary<string, Progress> _progress = [];

    /// <summary>Candidate/pre-candidate only: responses received in the current (pre-)campaign.</summary>
    private readonly Dictionary<string, bool> _votes = [];

    /// <summary>Ticks since the last election-timer reset (followers/candidates) or check-quorum round (leader).</summary>
    private int _electionElapsed;

    /// <summary>Leader only: ticks since the last heartbeat.</summary>
    private int _heartbeatElapsed;

    /// <summary>The current randomized election timeout, in [ElectionTicks, 2 * ElectionTicks) (§5.2).</summary>
    private int _randomizedElectionTimeout;

    /// <summary>The snapshot the log starts after, if any (the leader sends it to followers that are too far behind).</summary>
    private RaftSnapshot? _snapshot;

    /// <summary>
    /// Highest index handed to the host for applying (etcd's "applying").
    /// Invariant: LastApplied &lt;= _applying &lt;= CommitIndex, and LastIncludedIndex &lt;= _applying.
    /// </summary>
    private long _applying;

    /// <summary>Highest index known to be durable in the host's storage (the leader counts only these for itself).</summary>
    private long _stableIndex;

    /// <summary>First index not yet handed to the host for persisting.</summary>
    private long _unstableFrom;

    /// <summary>The host must drop stable entries from this index before appending (a conflicting suffix was removed).</summary>
    private long? _pendingTruncateFrom;

    /// <summary>A snapshot to persist in the next Ready.</summary>
    private RaftSnapshot? _pendingSnapshotPersist;

    /// <summary>A received snapshot to hand to the state machine in the next Ready.</summary>
    private RaftSnapshot? _pendingSnapshotApply;

    /// <summary>The hard state as last handed to the host.</summary>
    private HardState _persistedHardState;

    /// <summary>Leader only: proposals were appended since the last flush of appends.</summary>
    private bool _replicationPending;

    private List<RaftMessage> _messages = [];
    private List<RaftMessage> _messagesAfterPersist = [];

    /// <summary>The Ready handed out and not yet acknowledged (at most one at a time).</summary>
    private Ready? _outstanding;
    private long _outstandingAppliedTo;

    /// <summary>Creates a peer that has never run.</summary>
    public RaftNode(RaftConfig config, Random random)
        : this(config, random, HardState.Initial, null, [])
    {
    }

    /// <summary>Restarts a peer from its persisted state: hard state, latest snapshot, and the log entries after it.</summary>
    public RaftNode(RaftConfig config, Random random, HardState hardState, RaftSnapshot? snapshot, IReadOnlyList<LogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(hardState);
        ArgumentNullException.ThrowIfNull(entries);
        config.Validate();
        _config = config;
        _random = random;
        _snapshot = snapshot;
        _log = new RaftLog(snapshot?.LastIncludedIndex ?? 0, snapshot?.LastIncludedTerm ?? 0, entries);
        _memberships = new MembershipLog(snapshot?.Membership ?? new Membership(config.PeerIds));
        foreach (var entry in entries.Where(e => e.Kind == LogEntryKind.Configuration && e.Index > _log.SnapshotIndex))
        {
            _memberships.Appended(entry.Index, MembershipCodec.Decode(entry.Command));
        }

        MembershipChanged();
        CurrentTerm = hardState.CurrentTerm;
        VotedFor = hardState.VotedFor;
        _persistedHardState = hardState;
        CommitIndex = _log.SnapshotIndex;
        LastApplied = _log.SnapshotIndex;
        _applying = _log.SnapshotIndex;
        _stableIndex = _log.LastIndex;
        _unstableFrom = _log.LastIndex + 1;
        BecomeFollower(CurrentTerm, null);
    }

    /// <summary>This peer's id.</summary>
    public string Id => _config.SelfId;

    /// <summary>currentTerm (Figure 2, persistent): latest term this peer has seen; never decreases.</summary>
    public long CurrentTerm { get; private set; }

    /// <summary>votedFor (Figure 2, persistent): candidate voted for in <see cref="CurrentTerm"/>, or null. At most one per term.</summary>
    public string? VotedFor { get; private set; }

    /// <summary>Current role.</summary>
    public RaftRole Role { get; private set; }

    /// <summary>The leader of <see cref="CurrentTerm"/> as far as this peer knows, or null.</summary>
    public string? LeaderId { get; private set; }

    /// <summary>commitIndex (Figure 2, volatile): highest index known committed. Never decreases; LastIncludedIndex &lt;= CommitIndex.</summary>
    public long CommitIndex { get; private set; }

    /// <summary>lastApplied (Figure 2, volatile): highest index the host acknowledged as applied. LastApplied &lt;= CommitIndex.</summary>
    public long LastApplied { get; private set; }

    /// <summary>
    /// Set by the host while its storage refuses its saves (a full disk). The core goes on as it would during a long
    /// save; its AppendEntries answers say so, and a leader learns from them whether a majority can still persist.
    /// </summary>
    public bool StorageRefusing { get; set; }

    /// <summary>
    /// Leader only: too few peers (itself included) can write for a majority to persist anything new, as their last
    /// answers say: a command proposed now would wait for their disks, not commit.
    /// </summary>
    public bool MajorityCannotPersist =>
        Role == RaftRole.Leader && !Membership.HasQuorum(p => p == Id ? !StorageRefusing : _progress.TryGetValue(p, out var pr) && !pr.Refusing);

    /// <summary>
    /// The commit index holds an entry of the current term: as leader, everything committed before this term began is
    /// known committed (§6.4), and a configuration may be appended (Ongaro's 2015 fix).
    /// </summary>
    public bool CommittedInTerm => _log.TryTerm(CommitIndex) == CurrentTerm;

    /// <summary>lastIncludedIndex (Figure 13): the last index covered by the current snapshot (0 when none).</summary>
    public long LastIncludedIndex => _log.SnapshotIndex;

    /// <summary>lastIncludedTerm (Figure 13): the term of <see cref="LastIncludedIndex"/>.</summary>
    public long LastIncludedTerm => _log.SnapshotTerm;

    /// <summary>Index of the last log entry.</summary>
    public long LastIndex => _log.LastIndex;

    /// <summary>Index of the first retained log entry.</summary>
    public long FirstIndex => _log.FirstIndex;

    /// <summary>The term at <paramref name="index"/>, or null when compacted or past the end.</summary>
    public long? TermAt(long index) => _log.TryTerm(index);

    /// <summary>The retained entry at <paramref name="index"/>.</summary>
    public LogEntry EntryAt(long index) => _log.Entry(index);

    /// <summary>nextIndex[peer] (Figure 2, leader only), or null.</summary>
    public long? NextIndex(string peer) => _progress.TryGetValue(peer, out var pr) ? pr.Next : null;

    /// <summary>matchIndex[peer] (Figure 2, leader only), or null.</summary>
    public long? MatchIndex(string peer) => _progress.TryGetValue(peer, out var pr) ? pr.Match : null;

    /// <summary>Leader only: ticks since <paramref name="peer"/> last answered (null for itself or a non-leader).</summary>
    public int? TicksSinceHeardFrom(string peer) => _progress.TryGetValue(peer, out var pr) ? pr.TicksSinceResponse : null;

    /// <summary>Number of AppendEntries with entries in flight to <paramref name="peer"/> (leader only).</summary>
    public int InflightAppends(string peer) => _progress.TryGetValue(peer, out var pr) ? pr.Inflight.Count : 0;

    /// <summary>The term, whether this peer believes it is the leader, and the leader it knows of.</summary>
    public RaftState GetState() => new(CurrentTerm, Role == RaftRole.Leader, LeaderId);

    /// <summary>Advances logical time by one tick: election timeout for followers/candidates, heartbeats and check-quorum for leaders.</summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickLeader();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>
    /// Proposes a command. On the leader it is appended at once and (index, term) returned without waiting for commit;
    /// elsewhere it is rejected at once with the leader this peer knows of.
    /// </summary>
    public ProposeResult Propose(byte[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(false, 0, CurrentTerm, LeaderId);
        }

        if (LeadTransferee is { } successor)
        {
            // §3.10: a leader handing over takes no new commands; they go to its successor.
            return new ProposeResult(false, 0, CurrentTerm, successor);
        }

        var entry = new LogEntry(_log.LastIndex + 1, CurrentTerm, command);
        AppendAsLeader(entry);
        return new ProposeResult(true, entry.Index, entry.Term, Id);
    }

    /// <summary>
    /// The application has snapshotted its state up to and including <paramref name="index"/>: discard the log up to
    /// there (§7). <paramref name="index"/> must have been handed out for applying; an index at or below the current
    /// snapshot is ignored.
    /// </summary>
    public void Snapshot(long index, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (index <= _log.SnapshotIndex)
        {
            return;
        }

        if (index > _applying)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Only entries handed out for applying (<= {_applying}) can be snapshotted.");
        }

        var term = _log.TryTerm(index) ?? throw new InvalidOperationException($"No term for index {index}.");
        _log.CompactTo(index, term);
        _snapshot = new RaftSnapshot(index, term, data, _memberships.At(index));
        _memberships.CompactedTo(index);
        _pendingSnapshotPersist = _snapshot;
        AfterCompaction(index, keptSuffix: true);
    }

    /// <summary>
    /// Processes one message from a peer. The term is checked here, once, for every role (§5.1: "if RPC request or
    /// response contains term T &gt; currentTerm: set currentTerm = T, convert to follower"); the message is then
    /// dispatched to <see cref="StepLeader"/>, <see cref="StepCandidate"/> or <see cref="StepFollower"/>.
    /// </summary>
    public void Step(RaftMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        // Any sender: a peer joining the group hears from a leader its configuration does not name yet.
        if (m.To != Id || m.From == Id)
        {
            return;
        }

        if (m.Term > CurrentTerm)
        {
            switch (m)
            {
                case RequestVoteRequest rv:
                    // Thesis §6.2 / §4.2.3: a peer that heard from a live leader within the minimum election timeout
                    // ignores vote requests, so a partitioned peer cannot disrupt a healthy leader; unless that leader
                    // handed leadership to the candidate (§3.10).
                    if (InLease() && !rv.Transfer)
                    {
                        return;
                    }

                    if (!rv.PreVote)
                    {
                        BecomeFollower(m.Term, null, resetTimer: false);
                    }

                    break;
                case RequestVoteResponse { PreVote: true, VoteGranted: true }:
                    // A granted pre-vote carries the term the pre-candidate would campaign in; our term is unchanged.
                    break;
                case AppendEntriesRequest or InstallSnapshotRequest:
                    BecomeFollower(m.Term, m.From);
                    break;
                default:
                    BecomeFollower(m.Term, null, resetTimer: false);
                    break;
            }
        }
        else if (m.Term < CurrentTerm)
        {
            // A stale sender: answer requests with our term so it steps down (§5.1); drop stale responses.
            switch (m)
            {
                case AppendEntriesRequest ae:
                    SendAfterPersist(new AppendEntriesResponse(Id, m.From, CurrentTerm, false, 0, ae.PrevLogIndex, 0, 0, ae.ReadRound, StorageRefusing));
                    break;
                case InstallSnapshotRequest:
                    SendAfterPersist(new InstallSnapshotResponse(Id, m.From, CurrentTerm, 0));
                    break;
                case RequestVoteRequest rv:
                    SendAfterPersist(new RequestVoteResponse(Id, m.From, CurrentTerm, false, rv.PreVote));
                    break;
            }

            return;
        }

        if (m is RequestVoteRequest request)
        {
            HandleVoteRequest(request);
            return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(m);
                break;
            case RaftRole.Candidate:
            case RaftRole.PreCandidate:
                StepCandidate(m);
                break;
            default:
                StepFollower(m);
                break;
        }
    }

    private void StepLeader(RaftMessage m)
    {
        if (!_progress.TryGetValue(m.From, out var pr))
        {
            return;
        }

        pr.RecentActive = true;
        pr.TicksSinceResponse = 0;
        if (m is AppendEntriesResponse answer)
        {
            AckReadRound(pr, answer.ReadRound);
            pr.Refusing = answer.Refusing;
        }

        switch (m)
        {
            case AppendEntriesResponse r when r.Success:
                HandleAppendSuccess(m.From, pr, r.MatchIndex);
                break;
            case AppendEntriesResponse r:
                HandleAppendRejection(m.From, pr, r);
                break;
            case InstallSnapshotResponse r:
                HandleAppendSuccess(m.From, pr, r.MatchIndex);
                break;
        }
    }

    private void StepCandidate(RaftMessage m)
    {
        switch (m)
        {
            case AppendEntriesRequest or InstallSnapshotRequest:
                // §5.2: a candidate that hears from a leader of its term returns to follower.
                BecomeFollower(CurrentTerm, m.From);
                StepFollower(m);
                break;
            case RequestVoteResponse r when r.PreVote == (Role == RaftRole.PreCandidate):
                _votes.TryAdd(r.From, r.VoteGranted);
                PollVotes();
                break;
        }
    }

    private void StepFollower(RaftMessage m)
    {
        switch (m)
        {
            case AppendEntriesRequest ae:
                _electionElapsed = 0;
                LeaderId = ae.From;
                HandleAppendEntries(ae);
                break;
            case TimeoutNowRequest when m.From == LeaderId && Membership.IsVoter(Id):
                // The leader hands over (§3.10): campaign now, in the next term, without a pre-vote.
                BecomeCandidate(transfer: true);
                break;
            case InstallSnapshotRequest snap:
                _electionElapsed = 0;
                LeaderId = snap.From;
                HandleInstallSnapshot(snap);
                break;
        }
    }

    private bool InLease() =>
        _config.CheckQuorum && LeaderId is not null && _electionElapsed < _config.ElectionTicks;

    private void Send(RaftMessage m) => _messages.Add(m);

    private void SendAfterPersist(RaftMessage m) => _messagesAfterPersist.Add(m);

    private void ResetElectionTimer()
    {
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _config.ElectionTicks + _random.Next(_config.ElectionTicks);
    }
}
