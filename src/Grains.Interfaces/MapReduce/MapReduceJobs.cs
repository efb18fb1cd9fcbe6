namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>Client-side helpers for running a job and following it to the end.</summary>
public static class MapReduceJobs
{
    /// <summary>
    /// Submits <paramref name="spec"/> as <paramref name="jobId"/>. Submission is idempotent for the same spec,
    /// so a call that fails because the coordinator's silo died under it (the answer is lost, the job may or may
    /// not have been stored) is sent again; a rejected spec (<see cref="InvalidJobException"/>) is not.
    /// </summary>
    public static async Task<JobStatus> SubmitAsync(IGrainFactory grains, string jobId, JobSpec spec, TimeSpan retryInterval, CancellationToken cancellationToken)
    {
        var job = grains.GetGrain<IMapReduceJobGrain>(jobId);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await job.SubmitAsync(spec).WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception))
            {
                // Ask again.
            }

            await Task.Delay(retryInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Polls the job until it is finished (or <paramref name="until"/> holds). A call that fails because the coordinator's silo just died is
    /// retried: the next call activates the coordinator on a live silo from its persisted state.
    /// </summary>
    /// <exception cref="InvalidOperationException">No job was ever submitted under <paramref name="jobId"/>.</exception>
    public static async Task<JobStatus> WaitAsync(
        IGrainFactory grains,
        string jobId,
        TimeSpan pollInterval,
        Action<JobStatus>? onProgress,
        CancellationToken cancellationToken,
        Func<JobStatus, bool>? until = null)
    {
        until ??= static status => status.IsFinished;
        var job = grains.GetGrain<IMapReduceJobGrain>(jobId);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var status = await job.GetStatusAsync();
                if (status.Phase == JobPhase.None)
                {
                    throw new InvalidOperationException($"No job '{jobId}' was submitted.");
                }

                onProgress?.Invoke(status);
                if (until(status))
                {
                    return status;
                }
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception))
            {
                // Ask again.
            }

            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}
