namespace RaftOrleans.Grains.Hosting;

/// <summary>Names of the grain storage providers the grains use; a host must register both.</summary>
public static class StorageNames
{
    /// <summary>MapReduce job state (the coordinators' progress).</summary>
    public const string MapReduce = "mapreduce";

    /// <summary>Raft peers' term, vote, log and snapshot.</summary>
    public const string Raft = "raft";
}
