using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.MapReduce.Placement;

namespace RaftOrleans.MapReduce.Jobs;

/// <summary>
/// The coordinator of one job (the paper's master, §3.1). It hands map tasks out, then reduce tasks once
/// every map output is committed; re-issues a task whose worker silo died or that has not reported within
/// the timeout; accepts the first successful report of each task and ignores the rest; and is done only
/// when every reduce output is committed. Its progress is in grain storage, so a new activation on another
/// silo carries on where a lost one stopped. It owns its output directory (<see cref="OutputDirectoryClaim"/>)
/// and deletes nothing there but what it committed: a failed or cancelled job leaves no partial outputs.
/// Not reentrant: every turn sees and leaves a consistent state.
/// </summary>
internal sealed partial class MapReduceJobGrain(
    [PersistentState("job", StorageNames.MapReduce)] IPersistentState<JobState> job,
    MapReduceAppRegistry apps,
    IOptions<MapReduceOptions> options,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    ILogger<MapReduceJobGrain> logger) : Grain, IMapReduceJobGrain
{
    private readonly MapReduceOptions _options = options.Value;
    private IGrainTimer? _checkTimer;

    /// <summary>Progress reports went to the previous activation: every running task gets a full timeout from here.</summary>
    private DateTimeOffset _activatedAt;

    private string JobId => this.GetPrimaryKeyString();

    private JobState State => job.State;

    private bool IsRunning => State.Phase is JobPhase.Mapping or JobPhase.Reducing;

    /// <summary>Submitted through an embedded silo that is not this cluster: its client is gone, nothing runs the job.</summary>
    private bool IsOrphaned =>
        IsRunning
        && State.Host is { } host
        && host != cluster.Value.ClusterId
        && EmbeddedClusters.IsEmbedded(host);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        if (IsRunning && !IsOrphaned)
        {
            LogResumed(logger, JobId, State.Phase);
            StartChecking();
        }

        if (State.Phase is JobPhase.Failed or JobPhase.Cancelled && !State.Released)
        {
            // The job ended, but its outputs were not yet removed when the last activation stopped.
            await ReleaseOutputsAsync();
        }
    }

    public async Task<JobStatus> SubmitAsync(JobSpec spec)
    {
        if (State.Spec is { } existing)
        {
            if (!existing.SameJobAs(spec))
            {
                throw new InvalidJobException($"Job id '{JobId}' is already used by a different job.");
            }

            if (IsOrphaned)
            {
                // Resubmitted after its embedded silo went away: this cluster carries on with it. The attempts
                // that were running went with that silo, so their tasks are handed out again now.
                State.Host = cluster.Value.ClusterId;
                foreach (var task in State.Maps.Concat(State.Reduces).Where(t => t.Progress == TaskProgress.InProgress))
                {
                    task.Progress = TaskProgress.Idle;
                }

                await DispatchIdleTasksAsync();
                LogResumed(logger, JobId, State.Phase);
                StartChecking();
            }

            await GrainFactory.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).AddAsync(JobId);
            return GetStatus();
        }

        // Whether the directory's owner still runs needs a call; the validator then checks everything at once.
        var owner = Path.IsPathFullyQualified(spec.OutputDirectory) ? OutputDirectoryClaim.OwnerOf(spec.OutputDirectory) : null;
        var ownerRunning = owner is not null && owner != JobId && await IsJobRunningAsync(owner);
        JobSpecValidator.Validate(JobId, spec, apps, _options, _ => ownerRunning);

        if (OutputDirectoryClaim.Claim(JobId, spec.OutputDirectory, replace: spec.Overwrite) is { } other)
        {
            throw new InvalidJobException($"Output directory '{spec.OutputDirectory}' was just taken by job '{other}'; choose another --output.");
        }

        var splitBytes = spec.SplitBytes ?? _options.SplitBytes;
        var splits = await Task.Run(() => InputSplitter.Split(spec.Inputs, splitBytes));
        var unsubmitted = job.State;
        job.State = new JobState
        {
            Spec = spec,
            Phase = JobPhase.Mapping,
            SubmittedAt = time.GetUtcNow(),
            Host = cluster.Value.ClusterId,
            TaskTimeout = spec.TaskTimeout ?? _options.TaskTimeout,
            WorkDirectory = JobLayout.WorkDirectory(spec.OutputDirectory, JobId),
            Splits = [.. splits],
            Maps = splits.Select(_ => new TaskRecord()).ToList(),
            Reduces = Enumerable.Range(0, spec.ReduceTasks).Select(_ => new TaskRecord()).ToList(),
        };
        Directory.CreateDirectory(State.WorkDirectory);
        try
        {
            await DispatchIdleTasksAsync();
        }
        catch when (!job.RecordExists)
        {
            // The job was never written: this activation must not answer a retry with a job that exists only here.
            job.State = unsubmitted;
            OutputDirectoryClaim.Release(JobId, spec.OutputDirectory);
            throw;
        }

        LogSubmitted(logger, JobId, spec.App, spec.Inputs.Count, spec.ReduceTasks);
        StartChecking();
        await GrainFactory.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).AddAsync(JobId);
        return GetStatus();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(GetStatus());

    public Task<IReadOnlyList<TaskView>> GetTasksAsync() =>
        Task.FromResult<IReadOnlyList<TaskView>>(
        [
            .. State.Maps.Select((t, i) => View(TaskKind.Map, i, t)),
            .. State.Reduces.Select((t, i) => View(TaskKind.Reduce, i, t)),
        ]);

    private static TaskView View(TaskKind kind, int index, TaskRecord task) => new(
        kind,
        index,
        task.Progress.ToString(),
        task.Attempts,
        task.Backups,
        task.Worker?.ToParsableString(),
        task.Progress == TaskProgress.InProgress && task.LastProgressAt != default ? task.LastProgressAt : null,
        task.Counters ?? new Dictionary<string, long>());

    public Task ProgressAsync(TaskKind kind, int index, int attempt)
    {
        var tasks = kind == TaskKind.Map ? State.Maps : State.Reduces;
        if (IsCurrentPhase(kind) && index >= 0 && index < tasks.Count && tasks[index] is { Progress: TaskProgress.InProgress } task
            && (task.Attempts == attempt || (task.BackupRunning && task.Attempts - 1 == attempt)))
        {
            task.LastProgressAt = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!IsRunning)
        {
            return GetStatus();
        }

        var phase = State.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce;
        var running = (phase == TaskKind.Map ? State.Maps : State.Reduces)
            .Select((task, index) => (Task: task, Index: index))
            .Where(t => t.Task.Progress == TaskProgress.InProgress)
            .Select(t => $"{JobId}/{t.Index}/{t.Task.Attempts}")
            .ToArray();
        await FinishAsync("Cancelled on request.", JobPhase.Cancelled);

        // Best effort: an attempt that does not hear of it finishes, and its report is ignored.
        var stops = running.Select(key => phase == TaskKind.Map
            ? GrainFactory.GetGrain<IMapTaskGrain>(key).CancelAsync()
            : GrainFactory.GetGrain<IReduceTaskGrain>(key).CancelAsync());
        try
        {
            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (GrainCalls.IsTransient(exception))
        {
            LogCancelNotDelivered(logger, JobId, exception.Message);
        }

        return GetStatus();
    }

    private async Task<bool> IsJobRunningAsync(string jobId)
    {
        var status = await GrainFactory.GetGrain<IMapReduceJobGrain>(jobId).GetStatusAsync();
        return status.Phase is JobPhase.Mapping or JobPhase.Reducing;
    }

    public async Task ReportAsync(TaskReport report)
    {
        var tasks = report.Kind == TaskKind.Map ? State.Maps : State.Reduces;
        if (!IsCurrentPhase(report.Kind) || report.Index < 0 || report.Index >= tasks.Count)
        {
            return;
        }

        var task = tasks[report.Index];
        if (task.Progress == TaskProgress.Done)
        {
            LogDuplicateIgnored(logger, JobId, report.Kind, report.Index, report.Attempt);
            return;
        }

        if (report.Error is not null)
        {
            if (report.Attempt != task.Attempts)
            {
                // An attempt that is no longer the running one (timed out, or its worker was declared dead):
                // its failure says nothing about the attempt now under way.
                LogStaleFailureIgnored(logger, JobId, report.Kind, report.Index, report.Attempt, task.Attempts);
                return;
            }

            await RecordFailureAsync(report, task);
            return;
        }

        if (report.Kind == TaskKind.Reduce)
        {
            if (OutputDirectoryClaim.OwnerOf(State.Spec!.OutputDirectory) is var owner && owner != JobId)
            {
                await FinishAsync($"The output directory {State.Spec.OutputDirectory} no longer belongs to this job (now: {owner ?? "none"}); nothing more is written there.", JobPhase.Failed);
                return;
            }

            var final = JobLayout.OutputFile(State.Spec.OutputDirectory, report.Index);
            if (!TryCommitReduceOutput(report.Output, final))
            {
                task.Progress = TaskProgress.Idle;
                return;
            }

            task.Output = final;
        }
        else
        {
            task.Output = report.Output;
        }

        task.Counters = report.Counters is null ? null : new Dictionary<string, long>(report.Counters, StringComparer.Ordinal);
        task.Took = time.GetUtcNow() - task.IssuedAt;
        task.BackupRunning = false;

        task.Progress = TaskProgress.Done;
        LogTaskCommitted(logger, JobId, report.Kind, report.Index, report.Attempt);

        if (State.Maps.All(m => m.Progress == TaskProgress.Done) && State.Phase == JobPhase.Mapping)
        {
            State.Phase = JobPhase.Reducing;
            await DispatchIdleTasksAsync();
            return;
        }

        if (State.Phase == JobPhase.Reducing && State.Reduces.All(r => r.Progress == TaskProgress.Done))
        {
            await FinishAsync(error: null, JobPhase.Completed);
            return;
        }

        await job.WriteStateAsync();
    }

    private bool IsCurrentPhase(TaskKind kind) =>
        (kind, State.Phase) is (TaskKind.Map, JobPhase.Mapping) or (TaskKind.Reduce, JobPhase.Reducing);

    private async Task RecordFailureAsync(TaskReport report, TaskRecord task)
    {
        task.Failures++;
        LogTaskError(logger, JobId, report.Kind, report.Index, report.Attempt, report.Error!);
        if (task.Failures >= _options.MaxTaskFailures)
        {
            await FinishAsync($"{report.Kind} task {report.Index} failed {task.Failures} times; last error: {report.Error}", JobPhase.Failed);
            return;
        }

        task.Progress = TaskProgress.Idle;
        await DispatchIdleTasksAsync();
    }

    /// <summary>The commit point of a reduce task: its attempt's file is renamed over the final name.</summary>
    private bool TryCommitReduceOutput(string attemptFile, string final)
    {
        try
        {
            File.Move(attemptFile, final, overwrite: true);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogCommitFailed(logger, exception, JobId, attemptFile);
            return false;
        }
    }

    private async Task CheckTasksAsync(CancellationToken cancellationToken)
    {
        if (State.Phase is not (JobPhase.Mapping or JobPhase.Reducing))
        {
            return;
        }

        var now = time.GetUtcNow();
        var snapshot = membership.CurrentSnapshot;
        var tasks = State.Phase == JobPhase.Mapping ? State.Maps : State.Reduces;
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Progress != TaskProgress.InProgress)
            {
                continue;
            }

            // Long is fine; silent is not: the timeout runs from the attempt's last sign of progress.
            var workerDead = task.Worker is { } worker && snapshot.GetSiloStatus(worker) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;
            var lastSign = new[] { task.IssuedAt, task.LastProgressAt, _activatedAt }.Max();
            var silent = now - lastSign > State.TaskTimeout;
            if (workerDead || silent)
            {
                LogReissue(logger, JobId, State.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce, i, workerDead ? "worker silo died" : $"no progress for {(now - lastSign).TotalSeconds:0.0} s");
                task.Progress = TaskProgress.Idle;
                task.BackupRunning = false;
            }
        }

        await DispatchIdleTasksAsync();
        if (_options.BackupTasks && IsRunning)
        {
            var silos = snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
            await LaunchBackupsAsync(BackupPolicy.Candidates(tasks, now, silos));
        }
    }

    /// <summary>A second attempt of each straggler, on another silo than the first; persisted before it runs, like any attempt.</summary>
    private async Task LaunchBackupsAsync(IReadOnlyList<int> stragglers)
    {
        if (stragglers.Count == 0)
        {
            return;
        }

        var kind = State.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce;
        var tasks = kind == TaskKind.Map ? State.Maps : State.Reduces;
        var launches = new List<(int Index, TaskAssignment Assignment, SiloAddress Avoid)>();
        foreach (var index in stragglers)
        {
            var task = tasks[index];
            var avoid = task.Worker!;
            task.Attempts++;
            task.Backups++;
            task.BackupRunning = true;
            launches.Add((index, AssignmentFor(kind, index, task.Attempts), avoid));
            LogBackup(logger, JobId, kind, index, task.Attempts, avoid.ToParsableString());
        }

        await job.WriteStateAsync();
        foreach (var (index, assignment, avoid) in launches)
        {
            RequestContext.Set(SpreadPlacementDirector.AvoidSiloKey, avoid.ToParsableString());
            try
            {
                var worker = await StartAsync(assignment);
                if (tasks[index] is { Progress: TaskProgress.InProgress, BackupRunning: true } task && task.Attempts == assignment.Attempt)
                {
                    task.Worker = worker;
                }
            }
            finally
            {
                RequestContext.Remove(SpreadPlacementDirector.AvoidSiloKey);
            }
        }
    }

    /// <summary>Hands out a new attempt of every idle task of the current phase; persists before sending.</summary>
    private async Task DispatchIdleTasksAsync()
    {
        var kind = State.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce;
        var tasks = kind == TaskKind.Map ? State.Maps : State.Reduces;
        var now = time.GetUtcNow();
        var issued = new List<(int Index, TaskAssignment Assignment)>();
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Progress != TaskProgress.Idle)
            {
                continue;
            }

            task.Attempts++;
            task.Progress = TaskProgress.InProgress;
            task.IssuedAt = now;
            task.Worker = null;
            issued.Add((i, AssignmentFor(kind, i, task.Attempts)));
        }

        // Attempt numbers are durable before any attempt runs, so a later coordinator never reuses one.
        await job.WriteStateAsync();
        if (issued.Count == 0)
        {
            return;
        }

        var starts = issued.Select(item => StartAsync(item.Assignment)).ToArray();
        var workers = await Task.WhenAll(starts);
        for (var k = 0; k < issued.Count; k++)
        {
            var task = tasks[issued[k].Index];
            if (task.Progress == TaskProgress.InProgress && task.Attempts == issued[k].Assignment.Attempt)
            {
                task.Worker = workers[k];
            }
        }
    }

    private async Task<SiloAddress?> StartAsync(TaskAssignment assignment)
    {
        var key = $"{assignment.JobId}/{assignment.Index}/{assignment.Attempt}";
        try
        {
            return assignment.Kind == TaskKind.Map
                ? await GrainFactory.GetGrain<IMapTaskGrain>(key).StartAsync(assignment)
                : await GrainFactory.GetGrain<IReduceTaskGrain>(key).StartAsync(assignment);
        }
        catch (Exception exception)
        {
            // Left in progress with no worker: the timeout hands it out again.
            LogStartFailed(logger, exception, JobId, assignment.Kind, assignment.Index, assignment.Attempt);
            return null;
        }
    }

    private TaskAssignment AssignmentFor(TaskKind kind, int index, int attempt)
    {
        var spec = State.Spec!;
        if (kind == TaskKind.Map)
        {
            var split = State.Splits?[index] ?? new InputSplit(spec.Inputs[index], 0, -1);
            return new TaskAssignment(JobId, kind, index, attempt, spec.App, [split.Path], spec.ReduceTasks, State.WorkDirectory, split.Offset, split.Length);
        }

        return new TaskAssignment(JobId, kind, index, attempt, spec.App, State.Maps.Select(m => m.Output!).ToArray(), spec.ReduceTasks, State.WorkDirectory);
    }

    private async Task FinishAsync(string? error, JobPhase phase)
    {
        State.Phase = phase;
        State.Error = error;
        State.FinishedAt = time.GetUtcNow();
        await job.WriteStateAsync();
        _checkTimer?.Dispose();
        _checkTimer = null;
        LogFinished(logger, JobId, State.Phase, State.FinishedAt.Value - State.SubmittedAt);

        var workDirectory = State.WorkDirectory;
        await Task.Run(() => DeleteQuietly(workDirectory));
        if (phase != JobPhase.Completed)
        {
            await ReleaseOutputsAsync();
        }
    }

    /// <summary>
    /// A job that did not complete leaves no partial result: the outputs it committed go, and so does its claim on
    /// the directory. Idempotent, and recorded only once done, so a crash half-way is finished by the next activation.
    /// </summary>
    private async Task ReleaseOutputsAsync()
    {
        var directory = State.Spec!.OutputDirectory;
        var committed = State.Reduces.Select(r => r.Output).OfType<string>().ToArray();
        await Task.Run(() =>
        {
            if (OutputDirectoryClaim.OwnerOf(directory) != JobId)
            {
                // Another job owns the directory now: whatever is there is its.
                return;
            }

            foreach (var output in committed)
            {
                File.Delete(output);
            }

            OutputDirectoryClaim.Release(JobId, directory);
        });
        State.Released = true;
        await job.WriteStateAsync();
    }

    private void StartChecking() =>
        _checkTimer ??= this.RegisterGrainTimer(CheckTasksAsync, new GrainTimerCreationOptions(_options.CheckPeriod, _options.CheckPeriod) { KeepAlive = true });

    private JobStatus GetStatus()
    {
        if (State.Spec is null)
        {
            return JobStatus.NotFound(JobId) with { Coordinator = silo.SiloAddress.ToParsableString() };
        }

        var launches = State.Maps.Sum(t => t.Attempts) + State.Reduces.Sum(t => t.Attempts);
        var launched = State.Maps.Count(t => t.Attempts > 0) + State.Reduces.Count(t => t.Attempts > 0);
        var backups = State.Maps.Sum(t => t.Backups) + State.Reduces.Sum(t => t.Backups);
        IReadOnlyList<string> outputs = State.Phase == JobPhase.Completed
            ? State.Reduces.Select(r => r.Output!).ToArray()
            : [];
        var error = State.Error;
        if (State.Phase == JobPhase.Completed && OutputDirectoryClaim.OwnerOf(State.Spec.OutputDirectory) is var owner && owner != JobId)
        {
            outputs = [];
            error = $"Its outputs in {State.Spec.OutputDirectory} were replaced by job '{owner ?? "(none)"}'.";
        }

        return new JobStatus(
            JobId,
            State.Phase,
            State.Maps.Count(t => t.Progress == TaskProgress.Done),
            State.Maps.Count,
            State.Reduces.Count(t => t.Progress == TaskProgress.Done),
            State.Reduces.Count,
            (State.FinishedAt ?? time.GetUtcNow()) - State.SubmittedAt,
            launches,
            launches - launched - backups,
            outputs,
            error,
            silo.SiloAddress.ToParsableString(),
            State.Spec.App,
            State.Spec.OutputDirectory,
            State.SubmittedAt,
            IsOrphaned,
            SumCounters(),
            backups);
    }

    /// <summary>Counters of committed attempts only: a re-executed task counts once.</summary>
    private Dictionary<string, long> SumCounters()
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var counters in State.Maps.Concat(State.Reduces).Where(t => t.Progress == TaskProgress.Done).Select(t => t.Counters).OfType<Dictionary<string, long>>())
        {
            foreach (var (name, count) in counters)
            {
                sums[name] = sums.GetValueOrDefault(name) + count;
            }
        }

        return sums;
    }

    private void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogCleanupFailed(logger, exception, JobId, directory);
        }
    }
}
