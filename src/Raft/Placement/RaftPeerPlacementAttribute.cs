using Orleans.Placement;

namespace RaftOrleans.Raft.Placement;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RaftPeerPlacementAttribute() : PlacementAttribute(RaftPeerPlacement.Instance);
