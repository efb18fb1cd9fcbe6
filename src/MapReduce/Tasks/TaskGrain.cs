using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Hosting;

namespace RaftOrleans.MapReduce.Tasks;

/// <summary>
/// One attempt at one task. <see cref="StartAsync"/> returns at once; the app runs on its own thread,
/// off the grain's scheduler, and the outcome goes back to the job grain, which decides what counts.
/// While it runs, a timer tells the job every progress period that the attempt still works, whenever its
/// counters moved since (input read, records emitted): a stalled attempt goes quiet, a long one does not.
/// </summary>
public abstract partial class TaskGrain(MapReduceAppRegistry apps, ILocalSiloDetails silo, IOptions<MapReduceOptions> options, ILogger logger) : Grain
{
    private readonly CancellationTokenSource _cancel = new();
    private Task? _work;

    public Task<SiloAddress> StartAsync(TaskAssignment assignment)
    {
        // A retried Start of the same attempt must not run it twice in this activation.
        _work ??= RunAndReportAsync(assignment);
        return Task.FromResult(silo.SiloAddress);
    }

    public Task CancelAsync()
    {
        _cancel.Cancel();
        if (_work is null)
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    /// <summary>Does the work of the attempt and returns where its output is. Runs on a dedicated thread.</summary>
    protected abstract string Execute(IMapReduceApp app, TaskContext context, TaskAssignment assignment);

    private async Task RunAndReportAsync(TaskAssignment assignment)
    {
        var context = new TaskContext(assignment.JobId, assignment.Kind, assignment.Index, assignment.Attempt, silo.SiloAddress.ToParsableString())
        {
            Cancellation = _cancel.Token,
        };
        var job = GrainFactory.GetGrain<IMapReduceJobGrain>(assignment.JobId);
        var reported = 0L;
        using var progress = this.RegisterGrainTimer(
            () =>
            {
                var changes = context.Counters.Changes;
                if (changes != reported)
                {
                    reported = changes;
                    _ = job.ProgressAsync(assignment.Kind, assignment.Index, assignment.Attempt);
                }

                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(options.Value.ProgressPeriod, options.Value.ProgressPeriod) { Interleave = true });
        string output = string.Empty;
        string? error = null;
        try
        {
            var app = apps.Get(assignment.App);
            // A dedicated thread: app code may run for seconds, and must hold neither a grain
            // scheduler turn nor one of the thread-pool threads that Orleans schedules grains on.
            output = await Task.Factory.StartNew(
                () => Execute(app, context, assignment),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // The job was cancelled: it wants no report.
            DeactivateOnIdle();
            return;
        }
        catch (Exception exception)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
            LogTaskFailed(logger, exception, assignment.JobId, assignment.Kind, assignment.Index, assignment.Attempt);
        }

        // A report that fails because the job's silo just died succeeds once the job is activated again
        // elsewhere: retry a few times rather than leave the task to the timeout.
        progress.Dispose();
        var report = new TaskReport(assignment.Kind, assignment.Index, assignment.Attempt, output, error, context.Counters.Snapshot(), context.Warnings.Count > 0 ? context.Warnings.ToArray() : null);
        for (var delay = TimeSpan.FromMilliseconds(100); ; delay *= 2)
        {
            try
            {
                await job.ReportAsync(report);
                break;
            }
            catch (Exception exception)
            {
                if (!GrainCalls.IsTransient(exception) || delay > TimeSpan.FromSeconds(2))
                {
                    // The job hands the task out again when its timeout passes.
                    LogReportFailed(logger, exception, assignment.JobId, assignment.Kind, assignment.Index, assignment.Attempt);
                    break;
                }

                await Task.Delay(delay);
            }
        }

        DeactivateOnIdle();
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Job {JobId}: {Kind} task {Index} attempt {Attempt} failed")]
    private static partial void LogTaskFailed(ILogger logger, Exception exception, string jobId, TaskKind kind, int index, int attempt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Job {JobId}: {Kind} task {Index} attempt {Attempt} could not report to its job")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string jobId, TaskKind kind, int index, int attempt);
}
