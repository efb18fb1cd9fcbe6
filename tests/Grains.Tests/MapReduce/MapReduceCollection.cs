namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>MapReduce scenarios share one cluster and run one at a time (parallelism is what some measure).</summary>
[CollectionDefinition(Name)]
public sealed class MapReduceCollection : ICollectionFixture<MapReduceClusterFixture>
{
    public const string Name = "MapReduce cluster";
}
