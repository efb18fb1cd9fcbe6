namespace RaftOrleans.Raft.Core;

/// <summary>The answer to <see cref="RaftNode.Propose"/>: where the command went, or who the leader might be.</summary>
public readonly record struct ProposeResult(bool Accepted, long Index, long Term, string? LeaderHint);
