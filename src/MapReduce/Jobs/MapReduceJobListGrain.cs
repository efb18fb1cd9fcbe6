using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Hosting;

namespace RaftOrleans.MapReduce.Jobs;

/// <summary>The cluster's job ids, in submission order, in grain storage like the jobs themselves.</summary>
internal sealed class MapReduceJobListGrain(
    [PersistentState("jobs", StorageNames.MapReduce)] IPersistentState<JobList> jobs) : Grain, IMapReduceJobListGrain
{
    public async Task AddAsync(string jobId)
    {
        if (!jobs.State.JobIds.Contains(jobId, StringComparer.Ordinal))
        {
            jobs.State.JobIds.Add(jobId);
            await jobs.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetAsync() => Task.FromResult<IReadOnlyList<string>>(jobs.State.JobIds.ToArray());
}
