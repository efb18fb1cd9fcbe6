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
/// Hosts the coordinator of one job: its rules are <see cref="JobScheduler"/>'s; this grain keeps the job's state in
/// grain storage (so a new activation on another silo carries on where a lost one stopped), starts and stops task
/// attempts, times the checks, and does the job's file work. It owns its output directory
/// (<see cref="OutputDirectoryClaim"/>), commits a reduce attempt by renaming its file, and deletes nothing there but
/// what it committed: a failed or cancelled job leaves no partial outputs. State is persisted before any attempt it
/// describes starts. Not reentrant: every turn sees and leaves a consistent state.
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
    private DateTimeOffset _activatedAt;
    private JobScheduler? _scheduler;

    private string JobId => this.GetPrimaryKeyString();

    private JobState State => job.State;

    /// <summary>The rules over the state now in <c>job</c> (a submission replaces it).</summary>
    private JobScheduler Scheduler =>
        _scheduler is { } scheduler && ReferenceEquals(scheduler.State, job.State)
            ? scheduler
            : _scheduler = new JobScheduler(JobId, job.State, _options, time, _activatedAt);

    /// <summary>Submitted through an embedded silo that is not this cluster and whose client is gone: nothing runs the job.</summary>
    private bool IsOrphaned => RunsOnOtherEmbeddedSilo && !EmbeddedClusters.IsAlive(State.Host!);

    /// <summary>Runs on the embedded silo of another client that still runs: that silo's activation drives it, this one only reads.</summary>
    private bool RunsElsewhere => RunsOnOtherEmbeddedSilo && EmbeddedClusters.IsAlive(State.Host!);

    private bool RunsOnOtherEmbeddedSilo =>
        Scheduler.IsRunning
        && State.Host is { } host
        && host != cluster.Value.ClusterId
        && EmbeddedClusters.IsEmbedded(host);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activatedAt = time.GetUtcNow();
        if (Scheduler.IsRunning && !RunsOnOtherEmbeddedSilo)
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
            if (existing.DifferenceFrom(spec) is { } difference)
            {
                throw new InvalidJobException($"Job id '{JobId}' is already used by a different job: {difference}.");
            }

            if (RunsElsewhere)
            {
                throw new InvalidJobException($"Job '{JobId}' runs on the embedded silo of client process {EmbeddedClusters.ProcessOf(State.Host!)}; follow it there, or stop that client (which cancels it).");
            }

            if (IsOrphaned)
            {
                // Resubmitted after its embedded silo went away: this cluster carries on with it.
                Scheduler.Adopt(cluster.Value.ClusterId);
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
        job.State = JobScheduler.NewJob(spec, splits, cluster.Value.ClusterId, JobLayout.WorkDirectory(spec.OutputDirectory, JobId), _options.TaskTimeout, time.GetUtcNow());
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

        LogSubmitted(logger, JobId, spec.App, spec.Inputs.Count, State.Maps.Count, spec.ReduceTasks);
        StartChecking();
        await GrainFactory.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).AddAsync(JobId);
        return GetStatus();
    }

    public async Task<JobStatus> GetStatusAsync()
    {
        if (RunsOnOtherEmbeddedSilo)
        {
            // Another process's activation writes the job's progress: this one reads it afresh.
            await job.ReadStateAsync();
        }

        return GetStatus();
    }

    public Task<IReadOnlyList<TaskView>> GetTasksAsync() => Task.FromResult(Scheduler.Tasks());

    public Task ProgressAsync(TaskKind kind, int index, int attempt)
    {
        Scheduler.Progress(kind, index, attempt);
        return Task.CompletedTask;
    }

    public async Task<JobStatus> CancelAsync()
    {
        if (!Scheduler.IsRunning)
        {
            return GetStatus();
        }

        if (RunsElsewhere)
        {
            throw new InvalidJobException($"Job '{JobId}' runs on the embedded silo of client process {EmbeddedClusters.ProcessOf(State.Host!)}; stop that client (Ctrl+C, or kill {EmbeddedClusters.ProcessOf(State.Host!)}) to cancel it.");
        }

        var running = Scheduler.RunningAttempts();
        await FinishAsync("Cancelled on request.", JobPhase.Cancelled);

        // Best effort: an attempt that does not hear of it finishes, and its report is ignored.
        var stops = running.Select(attempt => attempt.Kind == TaskKind.Map
            ? GrainFactory.GetGrain<IMapTaskGrain>(AttemptKey(attempt)).CancelAsync()
            : GrainFactory.GetGrain<IReduceTaskGrain>(AttemptKey(attempt)).CancelAsync());
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

    public async Task ReportAsync(TaskReport report)
    {
        switch (Scheduler.Judge(report))
        {
            case ReportVerdict.NotThisPhase:
                return;
            case ReportVerdict.AlreadyDone:
                LogDuplicateIgnored(logger, JobId, report.Kind, report.Index, report.Attempt);
                return;
            case ReportVerdict.StaleFailure:
                LogStaleFailureIgnored(logger, JobId, report.Kind, report.Index, report.Attempt, (report.Kind == TaskKind.Map ? State.Maps : State.Reduces)[report.Index].Attempts);
                return;
            case ReportVerdict.Failure:
                LogTaskError(logger, JobId, report.Kind, report.Index, report.Attempt, report.Error!);
                if (Scheduler.RecordFailure(report) is { } why)
                {
                    await FinishAsync(why, JobPhase.Failed);
                    return;
                }

                await DispatchIdleTasksAsync();
                return;
        }

        var output = report.Output;
        if (report.Kind == TaskKind.Reduce)
        {
            if (OutputDirectoryClaim.OwnerOf(State.Spec!.OutputDirectory) is var owner && owner != JobId)
            {
                await FinishAsync($"The output directory {State.Spec.OutputDirectory} no longer belongs to this job (now: {owner ?? "none"}); nothing more is written there.", JobPhase.Failed);
                return;
            }

            output = JobLayout.OutputFile(State.Spec.OutputDirectory, report.Index);
            if (!TryCommitReduceOutput(report.Output, output))
            {
                Scheduler.CommitFailed(report);
                return;
            }
        }

        var next = Scheduler.Commit(report, output);
        LogTaskCommitted(logger, JobId, report.Kind, report.Index, report.Attempt);
        switch (next)
        {
            case JobPhase.Reducing:
                await DispatchIdleTasksAsync();
                break;
            case JobPhase.Completed:
                await FinishAsync(error: null, JobPhase.Completed);
                break;
            default:
                await job.WriteStateAsync();
                break;
        }
    }

    private async Task<bool> IsJobRunningAsync(string jobId)
    {
        var status = await GrainFactory.GetGrain<IMapReduceJobGrain>(jobId).GetStatusAsync();
        return status.Phase is JobPhase.Mapping or JobPhase.Reducing;
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
        if (!Scheduler.IsRunning)
        {
            return;
        }

        var snapshot = membership.CurrentSnapshot;
        foreach (var (index, reason) in Scheduler.ExpireAttempts(worker => snapshot.GetSiloStatus(worker) is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping))
        {
            LogReissue(logger, JobId, Scheduler.PhaseKind, index, reason);
        }

        await DispatchIdleTasksAsync();
        var backups = Scheduler.LaunchBackups(snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active));
        if (backups.Count == 0)
        {
            return;
        }

        foreach (var (backup, avoid) in backups)
        {
            LogBackup(logger, JobId, backup.Kind, backup.Index, backup.Attempt, avoid.ToParsableString());
        }

        await job.WriteStateAsync();
        foreach (var (backup, avoid) in backups)
        {
            RequestContext.Set(SpreadPlacementDirector.AvoidSiloKey, avoid.ToParsableString());
            try
            {
                Scheduler.Started(backup, await StartAsync(backup));
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
        var issued = Scheduler.IssueIdleTasks();

        // Attempt numbers are durable before any attempt runs, so a later coordinator never reuses one.
        await job.WriteStateAsync();
        var workers = await Task.WhenAll(issued.Select(StartAsync));
        for (var k = 0; k < issued.Count; k++)
        {
            Scheduler.Started(issued[k], workers[k]);
        }
    }

    private async Task<SiloAddress?> StartAsync(TaskAssignment assignment)
    {
        try
        {
            return assignment.Kind == TaskKind.Map
                ? await GrainFactory.GetGrain<IMapTaskGrain>(AttemptKey(assignment)).StartAsync(assignment)
                : await GrainFactory.GetGrain<IReduceTaskGrain>(AttemptKey(assignment)).StartAsync(assignment);
        }
        catch (Exception exception)
        {
            // Left in progress with no worker: the timeout hands it out again.
            LogStartFailed(logger, exception, JobId, assignment.Kind, assignment.Index, assignment.Attempt);
            return null;
        }
    }

    private static string AttemptKey(TaskAssignment attempt) => $"{attempt.JobId}/{attempt.Index}/{attempt.Attempt}";

    private async Task FinishAsync(string? error, JobPhase phase)
    {
        Scheduler.Finish(phase, error);
        await job.WriteStateAsync();
        _checkTimer?.Dispose();
        _checkTimer = null;
        LogFinished(logger, JobId, State.Phase, State.FinishedAt!.Value - State.SubmittedAt);

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
        var coordinator = silo.SiloAddress.ToParsableString();
        if (State.Spec is null)
        {
            return JobStatus.NotFound(JobId) with { Coordinator = coordinator };
        }

        var owner = State.Phase == JobPhase.Completed ? OutputDirectoryClaim.OwnerOf(State.Spec.OutputDirectory) : JobId;
        var status = Scheduler.Status(coordinator, owner, IsOrphaned);
        return RunsElsewhere ? status with { RunsInClientProcess = EmbeddedClusters.ProcessOf(State.Host!) } : status;
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
