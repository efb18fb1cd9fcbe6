namespace RaftOrleans.Raft.Core;

/// <summary>RequestVote arguments (Figure 2), or a pre-vote probe (thesis §9.6) when <see cref="PreVote"/> is set.</summary>
[GenerateSerializer, Immutable, Alias("raft.RequestVote")]
public sealed record RequestVoteRequest(
    string From,
    string To,
    long Term,
    long LastLogIndex,
    long LastLogTerm,
    bool PreVote) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly long LastLogIndex = LastLogIndex;

    [Id(1)]
    public readonly long LastLogTerm = LastLogTerm;

    [Id(2)]
    public readonly bool PreVote = PreVote;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 17;
}
