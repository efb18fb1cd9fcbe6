namespace RaftOrleans.Raft.Core;

/// <summary>
/// AppendEntries results (Figure 2) with the fast-backtracking hints of §5.3 ("the follower can include the
/// term of the conflicting entry and the first index it stores for that term").
/// </summary>
/// <param name="MatchIndex">On success: the index of the last entry this request made known to match the leader's log.</param>
/// <param name="RejectedIndex">On rejection: the PrevLogIndex of the rejected request (lets the leader drop stale rejections).</param>
/// <param name="ConflictTerm">On rejection: the follower's term at PrevLogIndex, or 0 if its log is too short.</param>
/// <param name="ConflictIndex">On rejection: the first index of ConflictTerm in the follower's log, or its last index + 1 if the log is too short.</param>
/// <param name="ReadRound">The read round of the request answered: the sender still took the leader as leader then.</param>
/// <param name="Refusing">The sender's storage refuses its writes (a full disk): what it was sent stays unacknowledged.</param>
[GenerateSerializer, Immutable, Alias("raft.AppendEntriesReply")]
public sealed record AppendEntriesResponse(
    string From,
    string To,
    long Term,
    bool Success,
    long MatchIndex,
    long RejectedIndex,
    long ConflictTerm,
    long ConflictIndex,
    long ReadRound = 0,
    bool Refusing = false) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly bool Success = Success;

    [Id(1)]
    public readonly long MatchIndex = MatchIndex;

    [Id(2)]
    public readonly long RejectedIndex = RejectedIndex;

    [Id(3)]
    public readonly long ConflictTerm = ConflictTerm;

    [Id(4)]
    public readonly long ConflictIndex = ConflictIndex;

    [Id(5)]
    public readonly long ReadRound = ReadRound;

    [Id(6)]
    public readonly bool Refusing = Refusing;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 41;
}
