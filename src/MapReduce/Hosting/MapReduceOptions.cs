namespace RaftOrleans.MapReduce.Hosting;

/// <summary>How the silo coordinates and runs MapReduce jobs (section <see cref="SectionName"/>).</summary>
public sealed class MapReduceOptions
{
    public const string SectionName = "RaftOrleans:MapReduce";

    /// <summary>A task with no sign of progress within this time is handed out again (the classic lab's timeout, 10 s); a long task that keeps working is not.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Inputs larger than this become several map tasks of about this size, split at line boundaries (the paper's 16-64 MB).</summary>
    public long SplitBytes { get; set; } = 64L << 20;

    /// <summary>How often a running task tells its job that it is still working (when it read or emitted anything since).</summary>
    public TimeSpan ProgressPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Near the end of a phase, start a second attempt of each straggling task on another silo (the paper's backup tasks).</summary>
    public bool BackupTasks { get; set; } = true;

    /// <summary>How often a job checks its running tasks for timeouts and dead workers.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A task whose attempts fail with an error (not a crash) this many times fails the job.</summary>
    public int MaxTaskFailures { get; set; } = 3;

    /// <summary>Upper bound on nReduce, so a typo does not create a million files.</summary>
    public int MaxReduceTasks { get; set; } = 10_000;
}
