namespace RaftOrleans.Raft.Core;

/// <summary>InstallSnapshot results (Figure 13) plus the index the follower now matches up to.</summary>
[GenerateSerializer, Immutable, Alias("raft.InstallSnapshotReply")]
public sealed record InstallSnapshotResponse(
    string From,
    string To,
    long Term,
    long MatchIndex) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly long MatchIndex = MatchIndex;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 8;
}
