using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Hosting;

namespace RaftOrleans.MapReduce.Jobs;

/// <summary>
/// The coordinator's rules (the paper's master, §3.1, §3.3, §3.6) over a job's persisted state: map tasks first,
/// reduce tasks once every map output is committed; an attempt is handed out again when its worker silo died or it
/// showed no progress within the task timeout; the first successful report of a task wins and the rest are ignored;
/// a task whose attempts failed <see cref="MapReduceOptions.MaxTaskFailures"/> times fails the job; near the end of a
/// phase a straggler gets a backup attempt. Plain logic on <see cref="JobState"/> and a clock: the job grain hosts it
/// (persists the state, starts the attempts, commits outputs on disk) and tests drive it with fake time.
/// </summary>
/// <param name="state">The job's state; changed in place, persisted by the host.</param>
/// <param name="activatedAt">
/// When the host's activation began: progress reports went to an earlier one, so every running task gets a full
/// timeout from here.
/// </param>
internal sealed class JobScheduler(string jobId, JobState state, MapReduceOptions options, TimeProvider time, DateTimeOffset activatedAt)
{
    public JobState State => state;

    public bool IsRunning => state.Phase is JobPhase.Mapping or JobPhase.Reducing;

    /// <summary>The kind of task the current phase runs (reduce once mapping is over).</summary>
    public TaskKind PhaseKind => state.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce;

    private List<TaskRecord> PhaseTasks => TasksOf(PhaseKind);

    /// <summary>A new job's state: one map task per split, <see cref="JobSpec.ReduceTasks"/> reduce tasks, all idle.</summary>
    /// <param name="host">The ClusterId of the cluster that runs it.</param>
    public static JobState NewJob(JobSpec spec, IReadOnlyList<InputSplit> splits, string host, string workDirectory, TimeSpan defaultTimeout, DateTimeOffset now) => new()
    {
        Spec = spec,
        Phase = JobPhase.Mapping,
        SubmittedAt = now,
        Host = host,
        TaskTimeout = spec.TaskTimeout ?? defaultTimeout,
        WorkDirectory = workDirectory,
        Splits = [.. splits],
        Maps = splits.Select(_ => new TaskRecord()).ToList(),
        Reduces = Enumerable.Range(0, spec.ReduceTasks).Select(_ => new TaskRecord()).ToList(),
    };

    /// <summary>
    /// This cluster takes over a job whose embedded cluster is gone: the attempts that were running went with it, so
    /// their tasks are idle again.
    /// </summary>
    public void Adopt(string host)
    {
        state.Host = host;
        foreach (var task in state.Maps.Concat(state.Reduces).Where(t => t.Progress == TaskProgress.InProgress))
        {
            task.Progress = TaskProgress.Idle;
        }
    }

    /// <summary>
    /// A new attempt of every idle task of the current phase. Attempt numbers count up and are never reused, so the
    /// host persists the state before it starts any of them.
    /// </summary>
    public IReadOnlyList<TaskAssignment> IssueIdleTasks()
    {
        var issued = new List<TaskAssignment>();
        var tasks = PhaseTasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Progress != TaskProgress.Idle)
            {
                continue;
            }

            task.Attempts++;
            task.Progress = TaskProgress.InProgress;
            task.IssuedAt = time.GetUtcNow();
            task.Worker = null;
            issued.Add(AssignmentFor(PhaseKind, i, task.Attempts));
        }

        return issued;
    }

    /// <summary>An attempt said where it runs (null: it could not be started; its timeout hands it out again).</summary>
    public void Started(TaskAssignment attempt, SiloAddress? worker)
    {
        if (attempt.Kind == PhaseKind && TasksOf(attempt.Kind)[attempt.Index] is { Progress: TaskProgress.InProgress } task && task.Attempts == attempt.Attempt)
        {
            task.Worker = worker;
        }
    }

    /// <summary>A running attempt (the latest, or the one its backup runs beside) showed a sign of work.</summary>
    public void Progress(TaskKind kind, int index, int attempt)
    {
        var tasks = TasksOf(kind);
        if (kind == PhaseKind && IsRunning && index >= 0 && index < tasks.Count && tasks[index] is { Progress: TaskProgress.InProgress } task
            && (task.Attempts == attempt || (task.BackupRunning && task.Attempts - 1 == attempt)))
        {
            task.LastProgressAt = time.GetUtcNow();
        }
    }

    /// <summary>What a report means for the job, before anything is changed.</summary>
    public ReportVerdict Judge(TaskReport report)
    {
        var tasks = TasksOf(report.Kind);
        if (!IsRunning || report.Kind != PhaseKind || report.Index < 0 || report.Index >= tasks.Count)
        {
            return ReportVerdict.NotThisPhase;
        }

        var task = tasks[report.Index];
        if (task.Progress == TaskProgress.Done)
        {
            return ReportVerdict.AlreadyDone;
        }

        if (report.Error is null)
        {
            return ReportVerdict.Commit;
        }

        // An attempt that is no longer the running one (timed out, or its worker was declared dead): its failure says
        // nothing about the attempt now under way.
        return report.Attempt == task.Attempts ? ReportVerdict.Failure : ReportVerdict.StaleFailure;
    }

    /// <summary>Counts a failed attempt (<see cref="ReportVerdict.Failure"/>): the task is idle again, or the job must fail.</summary>
    /// <returns>Why the job fails, or null when the task is handed out again.</returns>
    public string? RecordFailure(TaskReport report)
    {
        var task = TasksOf(report.Kind)[report.Index];
        task.Failures++;
        if (task.Failures >= options.MaxTaskFailures)
        {
            return $"{report.Kind} task {report.Index} failed {task.Failures} times; last error: {report.Error}";
        }

        task.Progress = TaskProgress.Idle;
        return null;
    }

    /// <summary>The host could not commit a successful attempt's output: the task runs again.</summary>
    public void CommitFailed(TaskReport report) => TasksOf(report.Kind)[report.Index].Progress = TaskProgress.Idle;

    /// <summary>
    /// A successful attempt is committed with <paramref name="output"/> (a map's partitions, a reduce's final file); once
    /// every map is, the job reduces, and once every reduce is, it is complete.
    /// </summary>
    /// <returns>The phase the job moves to, or null when it stays in this one.</returns>
    public JobPhase? Commit(TaskReport report, string output)
    {
        var task = TasksOf(report.Kind)[report.Index];
        task.Output = output;
        task.Counters = report.Counters is null ? null : new Dictionary<string, long>(report.Counters, StringComparer.Ordinal);
        task.Warnings = report.Warnings?.ToList();
        task.Took = time.GetUtcNow() - task.IssuedAt;
        task.BackupRunning = false;
        task.Progress = TaskProgress.Done;

        if (state.Phase == JobPhase.Mapping && state.Maps.All(m => m.Progress == TaskProgress.Done))
        {
            state.Phase = JobPhase.Reducing;
            return JobPhase.Reducing;
        }

        return state.Phase == JobPhase.Reducing && state.Reduces.All(r => r.Progress == TaskProgress.Done) ? JobPhase.Completed : null;
    }

    /// <summary>
    /// Makes idle every running task whose worker silo is gone or that showed no sign of work within the task timeout
    /// (long is fine; silent is not: the timeout runs from the attempt's last sign of progress).
    /// </summary>
    /// <returns>The tasks made idle, and why.</returns>
    public IReadOnlyList<(int Index, string Reason)> ExpireAttempts(Func<SiloAddress, bool> workerGone)
    {
        var expired = new List<(int, string)>();
        if (!IsRunning)
        {
            return expired;
        }

        var now = time.GetUtcNow();
        var tasks = PhaseTasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Progress != TaskProgress.InProgress)
            {
                continue;
            }

            var dead = task.Worker is { } worker && workerGone(worker);
            var lastSign = new[] { task.IssuedAt, task.LastProgressAt, activatedAt }.Max();
            if (dead || now - lastSign > state.TaskTimeout)
            {
                task.Progress = TaskProgress.Idle;
                task.BackupRunning = false;
                expired.Add((i, dead ? "worker silo died" : $"no progress for {(now - lastSign).TotalSeconds:0.0} s"));
            }
        }

        return expired;
    }

    /// <summary>
    /// A second attempt of each straggler of the phase (<see cref="BackupPolicy"/>), to run on another silo than the
    /// first; persisted before it runs, like any attempt.
    /// </summary>
    /// <param name="silos">How many silos are up.</param>
    public IReadOnlyList<(TaskAssignment Assignment, SiloAddress Avoid)> LaunchBackups(int silos)
    {
        if (!options.BackupTasks || !IsRunning)
        {
            return [];
        }

        var tasks = PhaseTasks;
        var launches = new List<(TaskAssignment, SiloAddress)>();
        foreach (var index in BackupPolicy.Candidates(tasks, time.GetUtcNow(), silos))
        {
            var task = tasks[index];
            task.Attempts++;
            task.Backups++;
            task.BackupRunning = true;
            launches.Add((AssignmentFor(PhaseKind, index, task.Attempts), task.Worker!));
        }

        return launches;
    }

    /// <summary>The latest attempt of every running task of the phase (what a cancellation tells to stop).</summary>
    public IReadOnlyList<TaskAssignment> RunningAttempts() =>
        !IsRunning ? [] : [.. PhaseTasks
            .Select((task, index) => (Task: task, Index: index))
            .Where(t => t.Task.Progress == TaskProgress.InProgress)
            .Select(t => AssignmentFor(PhaseKind, t.Index, t.Task.Attempts))];

    public void Finish(JobPhase phase, string? error)
    {
        state.Phase = phase;
        state.Error = error;
        state.FinishedAt = time.GetUtcNow();
    }

    /// <summary>The job as its clients see it.</summary>
    /// <param name="coordinator">The silo answering.</param>
    /// <param name="outputOwner">Which job owns the output directory now (read from it by the host).</param>
    /// <param name="orphaned">Whether the cluster that runs the job is gone.</param>
    public JobStatus Status(string coordinator, string? outputOwner, bool orphaned)
    {
        var spec = state.Spec!;
        var launches = state.Maps.Sum(t => t.Attempts) + state.Reduces.Sum(t => t.Attempts);
        var launched = state.Maps.Count(t => t.Attempts > 0) + state.Reduces.Count(t => t.Attempts > 0);
        var backups = state.Maps.Sum(t => t.Backups) + state.Reduces.Sum(t => t.Backups);
        IReadOnlyList<string> outputs = state.Phase == JobPhase.Completed ? state.Reduces.Select(r => r.Output!).ToArray() : [];
        var error = state.Error;
        if (state.Phase == JobPhase.Completed && outputOwner != jobId)
        {
            outputs = [];
            error = $"Its outputs in {spec.OutputDirectory} were replaced by job '{outputOwner ?? "(none)"}'.";
        }

        return new JobStatus(
            jobId,
            state.Phase,
            state.Maps.Count(t => t.Progress == TaskProgress.Done),
            state.Maps.Count,
            state.Reduces.Count(t => t.Progress == TaskProgress.Done),
            state.Reduces.Count,
            (state.FinishedAt ?? time.GetUtcNow()) - state.SubmittedAt,
            launches,
            launches - launched - backups,
            outputs,
            error,
            coordinator,
            spec.App,
            spec.OutputDirectory,
            state.SubmittedAt,
            orphaned,
            SumCounters(),
            backups,
            Warnings: state.Maps.Concat(state.Reduces).Where(t => t.Progress == TaskProgress.Done).SelectMany(t => t.Warnings ?? []).Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <summary>Every task, maps first, for the jobs page.</summary>
    public IReadOnlyList<TaskView> Tasks() =>
    [
        .. state.Maps.Select((t, i) => View(TaskKind.Map, i, t)),
        .. state.Reduces.Select((t, i) => View(TaskKind.Reduce, i, t)),
    ];

    private TaskView View(TaskKind kind, int index, TaskRecord task)
    {
        var counters = task.Counters ?? new Dictionary<string, long>();
        var split = kind == TaskKind.Map ? state.Splits?[index] : null;
        return new TaskView(
            kind,
            index,
            task.Progress.ToString(),
            task.Attempts,
            task.Backups,
            task.Worker?.ToParsableString(),
            task.Progress == TaskProgress.InProgress && task.LastProgressAt != default ? task.LastProgressAt : null,
            counters,
            task.Progress switch
            {
                TaskProgress.Done => task.Took,
                TaskProgress.InProgress => time.GetUtcNow() - task.IssuedAt,
                _ => null,
            },
            split is { Length: >= 0 } ? split.Length : counters.TryGetValue(TaskCounters.InputBytes, out var read) ? read : null,
            task.Failures);
    }

    private List<TaskRecord> TasksOf(TaskKind kind) => kind == TaskKind.Map ? state.Maps : state.Reduces;

    private TaskAssignment AssignmentFor(TaskKind kind, int index, int attempt)
    {
        var spec = state.Spec!;
        if (kind == TaskKind.Map)
        {
            var split = state.Splits?[index] ?? new InputSplit(spec.Inputs[index], 0, -1);
            return new TaskAssignment(jobId, kind, index, attempt, spec.App, [split.Path], spec.ReduceTasks, state.WorkDirectory, split.Offset, split.Length);
        }

        return new TaskAssignment(jobId, kind, index, attempt, spec.App, state.Maps.Select(m => m.Output!).ToArray(), spec.ReduceTasks, state.WorkDirectory);
    }

    /// <summary>Counters of committed attempts only: a re-executed task counts once.</summary>
    private Dictionary<string, long> SumCounters()
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var counters in state.Maps.Concat(state.Reduces).Where(t => t.Progress == TaskProgress.Done).Select(t => t.Counters).OfType<Dictionary<string, long>>())
        {
            foreach (var (name, count) in counters)
            {
                sums[name] = sums.GetValueOrDefault(name) + count;
            }
        }

        return sums;
    }
}
