using Orleans.Placement;

namespace RaftOrleans.MapReduce.Placement;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadPlacementAttribute() : PlacementAttribute(SpreadPlacement.Instance);
