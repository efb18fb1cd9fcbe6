using Orleans.Concurrency;

namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>The coordinator of one MapReduce job; the grain key is the job id.</summary>
[Alias("mr.IMapReduceJobGrain")]
public interface IMapReduceJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job; resubmitting the same spec is a no-op that returns its status.</summary>
    /// <exception cref="InvalidJobException">The spec cannot run, or the id names a different job.</exception>
    [Alias("Submit")]
    Task<JobStatus> SubmitAsync(JobSpec spec);

    /// <summary>
    /// Answers between other calls: it only reads, so progress polls never queue behind work. A poll whose
    /// answer was lost with the coordinator's silo fails after 5 s, not the default 30, and the next one reaches
    /// the coordinator reactivated elsewhere.
    /// </summary>
    [Alias("GetStatus"), AlwaysInterleave, ResponseTimeout("00:00:05")]
    Task<JobStatus> GetStatusAsync();

    /// <summary>Every map and reduce task: state, attempts, silo, progress, counters. Interleaves, like <see cref="GetStatusAsync"/>.</summary>
    [Alias("GetTasks"), AlwaysInterleave, ResponseTimeout("00:00:05")]
    Task<IReadOnlyList<TaskView>> GetTasksAsync();

    /// <summary>
    /// Stops a running job: no task is handed out again, running attempts are told to stop, and the outputs the
    /// job had committed are removed (a cancelled job leaves no partial result). A finished job is left as it is.
    /// </summary>
    [Alias("Cancel")]
    Task<JobStatus> CancelAsync();

    /// <summary>
    /// A running attempt's sign of work (it read input or emitted records since its last one): the coordinator hands a
    /// task out again only when its worker silo died or no such sign came within the task timeout.
    /// </summary>
    [Alias("Progress"), OneWay]
    Task ProgressAsync(TaskKind kind, int index, int attempt);

    /// <summary>Called by task grains; the first successful report of a task wins.</summary>
    [Alias("Report")]
    Task ReportAsync(TaskReport report);
}
