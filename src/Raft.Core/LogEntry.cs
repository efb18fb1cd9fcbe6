namespace RaftOrleans.Raft.Core;

/// <summary>One log entry. Indices are absolute (the first entry ever is index 1) and survive compaction.</summary>
[GenerateSerializer, Immutable, Alias("raft.LogEntry")]
public sealed record LogEntry(
    long Index,
    long Term,
    byte[] Command,
    LogEntryKind Kind = LogEntryKind.Command)
{
    [Id(0)]
    public readonly long Index = Index;

    [Id(1)]
    public readonly long Term = Term;

    [Id(2)]
    public readonly byte[] Command = Command;

    [Id(3)]
    public readonly LogEntryKind Kind = Kind;

    /// <summary>A rough size of the entry on the wire or on disk, in bytes.</summary>
    public long SizeEstimate => 24 + Command.Length;
}
