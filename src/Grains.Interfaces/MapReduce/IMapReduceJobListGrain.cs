namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>The ids of every job submitted to the cluster, for <c>mr list</c>; one grain, key <see cref="Key"/>.</summary>
[Alias("mr.IMapReduceJobListGrain")]
public interface IMapReduceJobListGrain : IGrainWithStringKey
{
    public const string Key = "all";

    /// <summary>Records a job id; idempotent.</summary>
    [Alias("Add")]
    Task AddAsync(string jobId);

    /// <summary>The job ids, oldest first.</summary>
    [Alias("Get")]
    Task<IReadOnlyList<string>> GetAsync();
}
