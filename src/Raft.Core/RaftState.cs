namespace RaftOrleans.Raft.Core;

/// <summary>The answer to <see cref="RaftNode.GetState"/>.</summary>
public readonly record struct RaftState(long Term, bool IsLeader, string? LeaderId);
