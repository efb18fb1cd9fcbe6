using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.MapReduce.Apps;
using RaftOrleans.Grains.MapReduce.Execution;

namespace RaftOrleans.Grains.MapReduce.Jobs;

/// <summary>
/// The coordinator of one job (the paper's master, §3.1). It hands map tasks out, then reduce tasks once
/// every map output is committed; re-issues a task whose worker silo died or that has not reported within
/// the timeout; accepts the first successful report of each task and ignores the rest; and is done only
/// when every reduce output is committed. Its progress is in grain storage, so a new activation on another
/// silo carries on where a lost one stopped. Not reentrant: every turn sees and leaves a consistent state.
/// </summary>
internal sealed partial class MapReduceJobGrain(
    [PersistentState("job", StorageNames.MapReduce)] IPersistentState<JobState> job,
    MapReduceAppRegistry apps,
    IOptions<MapReduceOptions> options,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<MapReduceJobGrain> logger) : Grain, IMapReduceJobGrain
{
    private readonly MapReduceOptions _options = options.Value;
    private IGrainTimer? _checkTimer;

    private string JobId => this.GetPrimaryKeyString();

    private JobState State => job.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Phase is JobPhase.Mapping or JobPhase.Reducing)
        {
            LogResumed(logger, JobId, State.Phase);
            StartChecking();
        }

        return Task.CompletedTask;
    }

    public async Task<JobStatus> SubmitAsync(JobSpec spec)
    {
        if (State.Spec is { } existing)
        {
            return existing.SameJobAs(spec)
                ? GetStatus()
                : throw new InvalidJobException($"Job id '{JobId}' is already used by a different job.");
        }

        JobSpecValidator.Validate(JobId, spec, apps, _options);
        RemoveStaleOutputs(spec.OutputDirectory);

        var unsubmitted = job.State;
        job.State = new JobState
        {
            Spec = spec,
            Phase = JobPhase.Mapping,
            SubmittedAt = time.GetUtcNow(),
            TaskTimeout = spec.TaskTimeout ?? _options.TaskTimeout,
            WorkDirectory = JobLayout.WorkDirectory(spec.OutputDirectory, JobId),
            Maps = spec.Inputs.Select(_ => new TaskRecord()).ToList(),
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
            throw;
        }

        LogSubmitted(logger, JobId, spec.App, spec.Inputs.Count, spec.ReduceTasks);
        StartChecking();
        return GetStatus();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(GetStatus());

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
            var final = JobLayout.OutputFile(State.Spec!.OutputDirectory, report.Index);
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
            await FinishAsync(error: null);
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
            await FinishAsync($"{report.Kind} task {report.Index} failed {task.Failures} times; last error: {report.Error}");
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

            var workerDead = task.Worker is { } worker && snapshot.GetSiloStatus(worker) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping;
            var timedOut = now - task.IssuedAt > State.TaskTimeout;
            if (workerDead || timedOut)
            {
                LogReissue(logger, JobId, State.Phase == JobPhase.Mapping ? TaskKind.Map : TaskKind.Reduce, i, workerDead ? "worker silo died" : "timed out");
                task.Progress = TaskProgress.Idle;
            }
        }

        await DispatchIdleTasksAsync();
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
        IReadOnlyList<string> inputs = kind == TaskKind.Map
            ? [spec.Inputs[index]]
            : State.Maps.Select(m => m.Output!).ToArray();
        return new TaskAssignment(JobId, kind, index, attempt, spec.App, inputs, spec.ReduceTasks, State.WorkDirectory);
    }

    private async Task FinishAsync(string? error)
    {
        State.Phase = error is null ? JobPhase.Completed : JobPhase.Failed;
        State.Error = error;
        State.FinishedAt = time.GetUtcNow();
        await job.WriteStateAsync();
        _checkTimer?.Dispose();
        _checkTimer = null;
        LogFinished(logger, JobId, State.Phase, State.FinishedAt.Value - State.SubmittedAt);

        var workDirectory = State.WorkDirectory;
        await Task.Run(() => DeleteQuietly(workDirectory));
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
        var outputs = State.Phase == JobPhase.Completed
            ? State.Reduces.Select(r => r.Output!).ToArray()
            : [];
        return new JobStatus(
            JobId,
            State.Phase,
            State.Maps.Count(t => t.Progress == TaskProgress.Done),
            State.Maps.Count,
            State.Reduces.Count(t => t.Progress == TaskProgress.Done),
            State.Reduces.Count,
            (State.FinishedAt ?? time.GetUtcNow()) - State.SubmittedAt,
            launches,
            launches - launched,
            outputs,
            State.Error,
            silo.SiloAddress.ToParsableString());
    }

    /// <summary>Outputs of an earlier job in the same directory would be mistaken for this one's.</summary>
    private static void RemoveStaleOutputs(string outputDirectory)
    {
        foreach (var stale in Directory.EnumerateFiles(outputDirectory, OutputFile.Prefix + "*"))
        {
            File.Delete(stale);
        }
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
