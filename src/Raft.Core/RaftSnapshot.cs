namespace RaftOrleans.Raft.Core;

/// <summary>
/// A state-machine snapshot covering every entry up to and including <see cref="LastIncludedIndex"/> (§7).
/// </summary>
[GenerateSerializer, Immutable, Alias("raft.Snapshot")]
public sealed record RaftSnapshot(
    long LastIncludedIndex,
    long LastIncludedTerm,
    byte[] Data,
    Membership? Membership = null)
{
    [Id(0)]
    public readonly long LastIncludedIndex = LastIncludedIndex;

    [Id(1)]
    public readonly long LastIncludedTerm = LastIncludedTerm;

    [Id(2)]
    public readonly byte[] Data = Data;

    /// <summary>The configuration in force at <see cref="LastIncludedIndex"/>; null for the group's initial one (<see cref="RaftConfig.PeerIds"/>).</summary>
    [Id(3)]
    public readonly Membership? Membership = Membership;
}
