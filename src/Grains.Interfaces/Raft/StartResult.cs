namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>What Start(command) returns at once: where the command will be if it commits, or who leads.</summary>
[GenerateSerializer, Immutable, Alias("raft.StartResult")]
public sealed record StartResult(
    [property: Id(0)] bool IsLeader,
    [property: Id(1)] long Index,
    [property: Id(2)] long Term,
    [property: Id(3)] string? LeaderHint);
