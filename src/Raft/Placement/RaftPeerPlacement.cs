namespace RaftOrleans.Raft.Placement;

/// <summary>Spreads the peers of each Raft group over distinct silos (<see cref="GroupSpread"/>).</summary>
[GenerateSerializer, Immutable, Alias("raft.RaftPeerPlacement")]
public sealed class RaftPeerPlacement : PlacementStrategy
{
    public static RaftPeerPlacement Instance { get; } = new();
}
