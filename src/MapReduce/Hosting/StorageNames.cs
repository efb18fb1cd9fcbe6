namespace RaftOrleans.MapReduce.Hosting;

/// <summary>Names of the grain storage providers the grains use; a host must register them.</summary>
public static class StorageNames
{
    /// <summary>MapReduce job state (the coordinators' progress).</summary>
    public const string MapReduce = "mapreduce";
}
