using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>One kind of save: the writes that build the state before it, and the write itself.</summary>
public sealed record SaveCase(string Name, IReadOnlyList<RaftPeerWrite> Before, RaftPeerWrite Write)
{
    public override string ToString() => Name;
}
