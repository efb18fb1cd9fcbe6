namespace RaftOrleans.Raft.Storage;

/// <summary>A newer activation owns the peer: this one's write changed nothing, and it must stop acting.</summary>
public sealed class RaftStorageFencedException(string peer, long incarnation)
    : Exception($"Raft peer '{peer}': incarnation {incarnation} no longer owns its storage; a newer activation claimed it.")
{
    public string Peer { get; } = peer;

    public long Incarnation { get; } = incarnation;
}
