namespace RaftOrleans.MapReduce.Jobs;

/// <summary>What a task attempt's report means for its job (<see cref="JobScheduler.Judge"/>).</summary>
internal enum ReportVerdict
{
    /// <summary>The job is not running that phase (it finished, or moved on), or no such task: ignored.</summary>
    NotThisPhase,

    /// <summary>Another attempt of the task was committed first: ignored.</summary>
    AlreadyDone,

    /// <summary>An attempt that is no longer the running one failed: it says nothing about the one under way; ignored.</summary>
    StaleFailure,

    /// <summary>The running attempt failed: counted, and the task runs again or the job fails.</summary>
    Failure,

    /// <summary>A successful attempt of a task not yet done: its output is committed.</summary>
    Commit,
}
