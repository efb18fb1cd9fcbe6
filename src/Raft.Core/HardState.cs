namespace RaftOrleans.Raft.Core;

/// <summary>The persistent scalar state of Figure 2: it must be durable before any message that depends on it leaves.</summary>
[GenerateSerializer, Immutable, Alias("raft.HardState")]
public sealed record HardState(
    long CurrentTerm,
    string? VotedFor)
{
    [Id(0)]
    public readonly long CurrentTerm = CurrentTerm;

    [Id(1)]
    public readonly string? VotedFor = VotedFor;

    /// <summary>The state of a peer that never ran.</summary>
    public static HardState Initial { get; } = new(0, null);
}
