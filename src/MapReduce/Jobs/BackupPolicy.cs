namespace RaftOrleans.MapReduce.Jobs;

/// <summary>
/// Which running tasks get a second, backup attempt on another silo (the paper's §3.6): only near the end of a
/// phase (no task waiting for a worker, at least half done) and only tasks running well past the phase's typical
/// one, so stragglers stop holding the job up while a healthy run starts nothing extra.
/// </summary>
internal static class BackupPolicy
{
    /// <summary>A task this much slower than the phase's median completed task is a straggler.</summary>
    private const double Slowness = 1.5;

    /// <summary>Never back up a task younger than this: short tasks finish before a backup would start.</summary>
    private static readonly TimeSpan MinimumRun = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<int> Candidates(IReadOnlyList<TaskRecord> tasks, DateTimeOffset now, int silos)
    {
        var done = tasks.Where(t => t.Progress == TaskProgress.Done && t.Took is not null).Select(t => t.Took!.Value).Order().ToArray();
        if (silos < 2 || done.Length == 0 || tasks.Any(t => t.Progress == TaskProgress.Idle) || done.Length * 2 < tasks.Count)
        {
            return [];
        }

        var threshold = TimeSpan.FromTicks(Math.Max(MinimumRun.Ticks, (long)(done[done.Length / 2].Ticks * Slowness)));
        return [.. tasks
            .Select((task, index) => (Task: task, Index: index))
            .Where(t => t.Task.Progress == TaskProgress.InProgress && !t.Task.BackupRunning && t.Task.Worker is not null && now - t.Task.IssuedAt > threshold)
            .Select(t => t.Index)];
    }
}
