namespace RaftOrleans.Raft.Core;

/// <summary>A change of a group's membership, asked of its leader (<see cref="RaftNode.ProposeMembership"/>).</summary>
/// <param name="Peer">The peer added or removed; for <see cref="MembershipChangeKind.Replace"/> the voter that leaves.</param>
/// <param name="Replacement">For <see cref="MembershipChangeKind.Replace"/>: the peer that takes its place.</param>
[GenerateSerializer, Immutable, Alias("raft.MembershipChange")]
public sealed record MembershipChange(MembershipChangeKind Kind, string Peer, string? Replacement = null)
{
    [Id(0)]
    public readonly MembershipChangeKind Kind = Kind;

    [Id(1)]
    public readonly string Peer = Peer;

    [Id(2)]
    public readonly string? Replacement = Replacement;

    public static MembershipChange AddVoter(string peer) => new(MembershipChangeKind.AddVoter, peer);

    public static MembershipChange AddLearner(string peer) => new(MembershipChangeKind.AddLearner, peer);

    public static MembershipChange Remove(string peer) => new(MembershipChangeKind.Remove, peer);

    public static MembershipChange Replace(string leaving, string joining) => new(MembershipChangeKind.Replace, leaving, joining);
}
