namespace RaftOrleans.Raft.Core;

/// <summary>RequestVote arguments (Figure 2), or a pre-vote probe (thesis §9.6) when <see cref="PreVote"/> is set.</summary>
/// <param name="Transfer">
/// The candidate campaigns because the leader handed leadership to it (<see cref="TimeoutNowRequest"/>): peers that
/// still hear from that leader vote anyway, since it asked (thesis §3.10 against §4.2.3's vote-ignore).
/// </param>
[GenerateSerializer, Immutable, Alias("raft.RequestVote")]
public sealed record RequestVoteRequest(
    string From,
    string To,
    long Term,
    long LastLogIndex,
    long LastLogTerm,
    bool PreVote,
    bool Transfer = false) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly long LastLogIndex = LastLogIndex;

    [Id(1)]
    public readonly long LastLogTerm = LastLogTerm;

    [Id(2)]
    public readonly bool PreVote = PreVote;

    [Id(3)]
    public readonly bool Transfer = Transfer;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 18;
}
