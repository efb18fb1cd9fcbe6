namespace RaftOrleans.Grains.MapReduce;

public sealed class MapReduceOptions
{
    /// <summary>A task not reported done within this time is handed out again (the classic lab uses 10 s).</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a job checks its running tasks for timeouts and dead workers.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A task whose attempts fail with an error (not a crash) this many times fails the job.</summary>
    public int MaxTaskFailures { get; set; } = 3;

    /// <summary>Upper bound on nReduce, so a typo does not create a million files.</summary>
    public int MaxReduceTasks { get; set; } = 10_000;
}
