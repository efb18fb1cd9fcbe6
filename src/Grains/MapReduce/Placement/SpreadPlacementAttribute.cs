using Orleans.Placement;

namespace RaftOrleans.Grains.MapReduce.Placement;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SpreadPlacementAttribute() : PlacementAttribute(SpreadPlacement.Instance);
