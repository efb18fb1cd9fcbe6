using System.CommandLine;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.MapReduce.Jobs;

namespace RaftOrleans.Client.Commands;

/// <summary><c>mr run|status|list|cancel</c>: MapReduce jobs on the cluster.</summary>
internal static class MapReduceCommands
{
    /// <summary>How long a cancellation (Ctrl+C, <c>mr cancel</c>) may take to reach the coordinator.</summary>
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The longest <c>--task-timeout</c>: a day without a sign of progress is a lost task.</summary>
    private static readonly TimeSpan MaxTaskTimeout = TimeSpan.FromDays(1);

    /// <summary>The largest <c>--split-mb</c> (1 TiB): larger is "never split", and still a whole number of bytes.</summary>
    private const double MaxSplitMegabytes = 1024 * 1024;

    public static Command Create() => new("mr", "MapReduce jobs.")
    {
        CreateRun(),
        CreateStatus(),
        CreateList(),
        CreateCancel(),
    };

    private static Command CreateRun()
    {
        var app = new Argument<string>("app") { Description = "Application to run: wc, indexer, or another registered on the silos." };
        var files = new Argument<string[]>("inputs") { Description = "Input files, directories (their files) or quoted glob patterns ('data/*.txt'); inputs over the split size become several map tasks.", Arity = ArgumentArity.ZeroOrMore };
        var reduce = new Option<int>("--reduce", "-r") { Description = "Number of reduce tasks (output files).", DefaultValueFactory = _ => 10 };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Output directory (default: out/<job-id>); one job's only. Must be reachable by every silo." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Write into a directory holding a finished job's outputs or this job's inputs (only mr-out-* files are replaced)." };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: <app>-<time>). Resubmitting an id follows that job (and resumes an orphaned one)." };
        var timeout = new Option<double?>("--task-timeout") { Description = $"Seconds before a silent task is handed out again, at most {MaxTaskTimeout.TotalSeconds:0} (default: the silo's, 10)." };
        var top = new Option<int>("--top") { Description = "How many of the top keys to print.", DefaultValueFactory = _ => 10 };
        var verify = new Option<bool>("--verify") { Description = "Also run the app single-threaded in this process, compare outputs and times." };
        var split = new Option<double?>("--split-mb") { Description = $"Split inputs larger than this many MB into several map tasks, at line boundaries, at most {MaxSplitMegabytes} (default: the silo's, 64)." };
        var detach = new Option<bool>("--detach", "-d") { Description = "Print the job id once the job is submitted, and return; follow it with 'mr status --watch'." };

        var command = new Command("run", "Run a job and follow its progress to the end (Ctrl+C or SIGTERM cancels it).") { app, files, reduce, output, overwrite, jobId, timeout, split, top, verify, detach };
        command.SetAction((parse, cancellationToken) =>
        {
            var appName = parse.GetValue(app)!;
            var id = parse.GetValue(jobId) ?? $"{appName}-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
            JobSpec? spec = null;
            return CommandRunner.RunAsync(
                parse,
                cancellationToken,
                (connection, ct) => RunJobAsync(connection, id, spec!, parse, detach, top, verify, ct),
                validate: () =>
                {
                    var named = parse.GetValue(files) ?? [];

                    // The inputs argument takes any token; one that looks like an option and names no file was meant as one.
                    if (named.FirstOrDefault(f => f.StartsWith('-') && !File.Exists(f)) is { } unknown)
                    {
                        throw new ArgumentException($"{ParseErrors.Unknown(unknown, parse)} Run '{CliOutput.Name} mr run --help' for usage.");
                    }

                    spec = new JobSpec(
                        appName,
                        InputPaths.Expand(named),
                        parse.GetValue(reduce),
                        parse.GetValue(output)?.FullName ?? Path.GetFullPath(Path.Combine("out", id)),
                        Bounded(parse.GetValue(timeout), "--task-timeout", MaxTaskTimeout.TotalSeconds) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                        parse.GetValue(overwrite),
                        Bounded(parse.GetValue(split), "--split-mb", MaxSplitMegabytes) is { } mb ? (long)(mb * 1024 * 1024) : null);
                    JobSpecValidator.CheckLocal(id, spec, new MapReduceOptions().MaxReduceTasks);
                });
        });
        return command;
    }

    private static async Task<int> RunJobAsync(
        ClusterConnection connection,
        string id,
        JobSpec spec,
        ParseResult parse,
        Option<bool> detach,
        Option<int> top,
        Option<bool> verify,
        CancellationToken cancellationToken)
    {
        var json = parse.GetValue(GlobalOptions.Json);
        CliOutput.Info($"Submitting job {id}...");
        // Not cancelled by Ctrl+C itself: once sent, the submission's outcome must be known before a cancellation
        // goes out, which could otherwise reach the coordinator first and find nothing to cancel.
        var submission = MapReduceJobs.SubmitAsync(connection.Grains, id, spec, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        JobStatus started;
        try
        {
            started = await submission.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (Interrupts.Requested)
        {
            CliOutput.Info($"Waiting for the submission of job {id} to end, to cancel it (Ctrl+C again to quit at once)...");
            try
            {
                await submission;
            }
            catch (InvalidJobException)
            {
                return CommandRunner.Fail(ExitCodes.Cancelled, $"Job {id} was not submitted; nothing runs.");
            }

            return await CancelAsync(connection.Grains, id);
        }

        if (parse.GetValue(detach))
        {
            if (json)
            {
                JobView.Write(started, json: true, top: 0);
            }
            else
            {
                Console.WriteLine(id);
            }

            return ExitCodes.Success;
        }

        JobView.Started(started, spec, connection.Description);
        JobStatus status;
        try
        {
            status = await JobView.FollowAsync(connection.Grains, id, cancellationToken);
        }
        catch (OperationCanceledException) when (Interrupts.Requested)
        {
            return await CancelAsync(connection.Grains, id);
        }

        JobView.Write(status, json, parse.GetValue(top));
        if (status.Phase != JobPhase.Completed)
        {
            return ExitCodes.Failed;
        }

        return parse.GetValue(verify) && !SequentialCheck.Run(spec, status) ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>A number option that must be finite, above 0 and at most <paramref name="max"/>; null when not given.</summary>
    private static double? Bounded(double? value, string option, double max) =>
        value is not { } number || (double.IsFinite(number) && number > 0 && number <= max)
            ? value
            : throw new ArgumentException($"{option} must be a number above 0 and at most {max} (was {number.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");

    private static Command CreateStatus()
    {
        var jobId = new Argument<string>("job-id") { Description = "The job to show." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the job's progress until it ends (Ctrl+C stops watching; the job goes on)." };
        var command = new Command("status", "Show a job's progress; exit code 0 when it completed or runs, 1 when it failed or was cancelled.") { jobId, watch };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            parse,
            cancellationToken,
            async (connection, ct) =>
            {
                var id = parse.GetValue(jobId)!;
                var status = await connection.Grains.GetGrain<IMapReduceJobGrain>(id).GetStatusAsync();
                if (status.Phase == JobPhase.None)
                {
                    return CommandRunner.Fail(ExitCodes.InvalidInput, $"No job '{id}' is known to {connection.Description}.");
                }

                if (parse.GetValue(watch) && !status.IsFinished && !status.Orphaned)
                {
                    status = await JobView.FollowAsync(connection.Grains, id, ct);
                }

                JobView.Write(status, parse.GetValue(GlobalOptions.Json), top: 10);
                return status.Phase is JobPhase.Failed or JobPhase.Cancelled ? ExitCodes.Failed : ExitCodes.Success;
            },
            validate: () => JobSpecValidator.CheckJobId(parse.GetValue(jobId)!)));
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the cluster's jobs, oldest first: state, progress, start time, output directory.");
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, cancellationToken, async (connection, _) =>
        {
            var ids = await connection.Grains.GetGrain<IMapReduceJobListGrain>(IMapReduceJobListGrain.Key).GetAsync();
            var jobs = await Task.WhenAll(ids.Select(id => connection.Grains.GetGrain<IMapReduceJobGrain>(id).GetStatusAsync()));
            JobView.WriteList(jobs.Where(j => j.Phase != JobPhase.None).ToArray(), parse.GetValue(GlobalOptions.Json));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateCancel()
    {
        var jobId = new Argument<string>("job-id") { Description = "The job to cancel." };
        var command = new Command("cancel", "Cancel a running job: its tasks stop and the outputs it committed are removed.") { jobId };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            parse,
            cancellationToken,
            async (connection, _) =>
            {
                var id = parse.GetValue(jobId)!;
                var before = await connection.Grains.GetGrain<IMapReduceJobGrain>(id).GetStatusAsync();
                if (before.Phase == JobPhase.None)
                {
                    return CommandRunner.Fail(ExitCodes.InvalidInput, $"No job '{id}' is known to {connection.Description}.");
                }

                if (before.IsFinished)
                {
                    return CommandRunner.Fail(ExitCodes.Failed, $"Job '{id}' already ended ({before.Phase}); nothing to cancel.");
                }

                var after = await connection.Grains.GetGrain<IMapReduceJobGrain>(id).CancelAsync().WaitAsync(CancelTimeout);
                CliOutput.Info($"Job {id}: {after.Phase}");
                return after.Phase == JobPhase.Cancelled ? ExitCodes.Success : ExitCodes.Failed;
            },
            validate: () => JobSpecValidator.CheckJobId(parse.GetValue(jobId)!)));
        return command;
    }

    /// <summary>Ctrl+C or SIGTERM while submitting or following a job: the job is cancelled on the cluster, not left running unwatched.</summary>
    private static async Task<int> CancelAsync(IGrainFactory grains, string id)
    {
        CliOutput.Info($"Cancelling job {id}...");
        var status = await grains.GetGrain<IMapReduceJobGrain>(id).CancelAsync().WaitAsync(CancelTimeout);
        return CommandRunner.Fail(ExitCodes.Cancelled, status.Phase switch
        {
            JobPhase.Cancelled => $"Job {id} cancelled; the outputs it had committed were removed.",
            JobPhase.None => $"Job {id} was not submitted; nothing runs.",
            _ => $"Job {id} had already ended ({status.Phase}) when the cancellation reached it.",
        });
    }
}
