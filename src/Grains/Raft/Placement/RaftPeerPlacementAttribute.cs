using Orleans.Placement;

namespace RaftOrleans.Grains.Raft.Placement;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RaftPeerPlacementAttribute() : PlacementAttribute(RaftPeerPlacement.Instance);
