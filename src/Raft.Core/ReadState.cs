namespace RaftOrleans.Raft.Core;

/// <summary>
/// The answer to <see cref="RaftNode.RequestRead"/> (thesis §6.4, ReadIndex): once the host has applied up to
/// <see cref="Index"/>, a read of its state machine is linearizable. A negative index means the read failed: the
/// peer stopped being the leader before it could confirm, and the read must be retried elsewhere.
/// </summary>
public sealed record ReadState(long RequestId, long Index)
{
    public bool Succeeded => Index >= 0;
}
