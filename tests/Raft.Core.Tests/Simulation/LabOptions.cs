namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>Which optional features the simulated peers run with.</summary>
public sealed record LabOptions
{
    public bool PreVote { get; init; } = true;

    public bool CheckQuorum { get; init; } = true;

    /// <summary>Off for the lab scenarios: they expect the first command at index 1 (§1 of the catalogue).</summary>
    public bool LeaderNoOp { get; init; }

    public int MaxInflightAppends { get; init; } = 4;

    public int MaxEntriesPerAppend { get; init; } = 64;

    public static LabOptions Lab { get; } = new();
}
