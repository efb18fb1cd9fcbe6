namespace RaftOrleans.Raft.Core;

/// <summary>RequestVote results (Figure 2). A granted pre-vote carries the term of the request.</summary>
[GenerateSerializer, Immutable, Alias("raft.RequestVoteReply")]
public sealed record RequestVoteResponse(
    string From,
    string To,
    long Term,
    bool VoteGranted,
    bool PreVote) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly bool VoteGranted = VoteGranted;

    [Id(1)]
    public readonly bool PreVote = PreVote;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 2;
}
