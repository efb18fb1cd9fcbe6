namespace RaftOrleans.Raft.Core;

/// <summary>InstallSnapshot arguments (Figure 13), the whole snapshot in one message (no offset/done chunking).</summary>
[GenerateSerializer, Immutable, Alias("raft.InstallSnapshot")]
public sealed record InstallSnapshotRequest(
    string From,
    string To,
    long Term,
    RaftSnapshot Snapshot) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly RaftSnapshot Snapshot = Snapshot;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 16 + Snapshot.Data.Length;
}
