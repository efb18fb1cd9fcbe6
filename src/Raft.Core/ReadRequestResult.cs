namespace RaftOrleans.Raft.Core;

/// <summary>What <see cref="RaftNode.RequestRead"/> says at once: taken (its <see cref="ReadState"/> follows in a Ready) or not the leader.</summary>
public readonly record struct ReadRequestResult(bool Accepted, string? LeaderHint);
