using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>A peer's view of itself (GetState), with its log positions.</summary>
/// <param name="Silo">The silo hosting this activation.</param>
/// <param name="Incarnation">Which activation of the peer answered: each one claims the next number in storage.</param>
/// <param name="Membership">The configuration in force at this peer (the latest in its log).</param>
/// <param name="MembershipCommitted">Whether this peer knows that configuration committed.</param>
/// <param name="Left">The peer left its group: it runs nothing, and <paramref name="Membership"/> is the configuration that removed it.</param>
[GenerateSerializer, Immutable, Alias("raft.PeerState")]
public sealed record PeerState(
    [property: Id(0)] long Term,
    [property: Id(1)] bool IsLeader,
    [property: Id(2)] string? LeaderHint,
    [property: Id(3)] long CommitIndex,
    [property: Id(4)] long LastApplied,
    [property: Id(5)] long LastIndex,
    [property: Id(6)] long SnapshotIndex,
    [property: Id(7)] string Silo,
    [property: Id(8)] long Incarnation,
    [property: Id(9)] Membership? Membership = null,
    [property: Id(10)] bool MembershipCommitted = false,
    [property: Id(11)] bool Left = false);
