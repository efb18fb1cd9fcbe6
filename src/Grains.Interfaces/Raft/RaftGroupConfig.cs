namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>A Raft group: its name, its fixed set of peers, and the state machine every peer runs.</summary>
/// <param name="StateMachine">Name of a state machine registered on the silos (e.g. <c>kv</c>).</param>
[GenerateSerializer, Immutable, Alias("raft.RaftGroupConfig")]
public sealed record RaftGroupConfig(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> PeerIds,
    [property: Id(2)] string StateMachine)
{
    /// <summary>The grain key of a peer: <c>group/peer</c>.</summary>
    public static string PeerKey(string group, string peer) => $"{group}/{peer}";

    public bool SameAs(RaftGroupConfig other) =>
        Name == other.Name && StateMachine == other.StateMachine && PeerIds.SequenceEqual(other.PeerIds);
}
