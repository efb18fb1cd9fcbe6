namespace RaftOrleans.MapReduce.Placement;

/// <summary>
/// Places each new activation on the next compatible silo in turn, so the tasks of a job are spread
/// evenly over the workers. Orleans' resource-optimized default keeps a burst of new grains on a few
/// silos until its statistics catch up, and random placement leaves some silos idle by chance.
/// </summary>
[GenerateSerializer, Immutable, Alias("mr.SpreadPlacement")]
public sealed class SpreadPlacement : PlacementStrategy
{
    public static SpreadPlacement Instance { get; } = new();
}
