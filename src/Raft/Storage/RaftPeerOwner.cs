using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Raft.Storage;

/// <summary>Who owns a peer now: the incarnation of its newest activation, its group, and the silo that activation claimed it from.</summary>
/// <param name="Location">The claiming silo's address (<c>SiloAddress.ToParsableString()</c>), or null if unknown.</param>
public sealed record RaftPeerOwner(long Incarnation, RaftGroupConfig? Group, string? Location)
{
    public static RaftPeerOwner None { get; } = new(0, null, null);
}
