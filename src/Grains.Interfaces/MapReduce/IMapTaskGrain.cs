namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>One attempt at one map task; key <c>{jobId}/{index}/{attempt}</c>.</summary>
[Alias("mr.IMapTaskGrain")]
public interface IMapTaskGrain : IGrainWithStringKey
{
    /// <summary>Starts the work in the background and returns the silo running it.</summary>
    [Alias("Start")]
    Task<SiloAddress> StartAsync(TaskAssignment assignment);

    /// <summary>Asks a running attempt to stop (its job was cancelled); it then reports nothing.</summary>
    [Alias("Cancel")]
    Task CancelAsync();
}
