using System.CommandLine;
using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.Client.Commands;

internal static class MapReduceCommands
{
    public static Command Create() => new("mr", "MapReduce jobs.")
    {
        CreateRun(),
        CreateStatus(),
    };

    private static Command CreateRun()
    {
        var app = new Argument<string>("app") { Description = "Application to run: wc, indexer, or another registered on the silos." };
        var files = new Argument<FileInfo[]>("files") { Description = "Input files; one map task each.", Arity = ArgumentArity.ZeroOrMore };
        var reduce = new Option<int>("--reduce", "-r") { Description = "Number of reduce tasks (output files).", DefaultValueFactory = _ => 10 };
        var output = new Option<DirectoryInfo?>("--output", "-o") { Description = "Output directory (default: out/<job-id>). Must be reachable by every silo." };
        var jobId = new Option<string?>("--job-id") { Description = "Job id (default: <app>-<time>). Resubmitting an id follows that job." };
        var timeout = new Option<double?>("--task-timeout") { Description = "Seconds before a silent task is handed out again (default: the silo's, 10)." };
        var top = new Option<int>("--top") { Description = "How many of the top keys to print.", DefaultValueFactory = _ => 10 };
        var verify = new Option<bool>("--verify") { Description = "Also run the app single-threaded in this process, compare outputs and times." };

        var command = new Command("run", "Run a job and follow its progress to the end.") { app, files, reduce, output, jobId, timeout, top, verify };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, cancellationToken, async (connection, ct) =>
        {
            var appName = parse.GetValue(app)!;
            var id = parse.GetValue(jobId) ?? $"{appName}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}";
            var outputDirectory = parse.GetValue(output)?.FullName ?? Path.GetFullPath(Path.Combine("out", id));
            var seconds = parse.GetValue(timeout);
            var spec = new JobSpec(
                appName,
                (parse.GetValue(files) ?? []).Select(f => f.FullName).ToArray(),
                parse.GetValue(reduce),
                outputDirectory,
                seconds is { } s ? TimeSpan.FromSeconds(s) : null);

            var started = await MapReduceJobs.SubmitAsync(connection.Grains, id, spec, TimeSpan.FromMilliseconds(200), ct);
            JobView.Started(started, spec, connection.Description);
            var status = await JobView.FollowAsync(connection.Grains, id, ct);
            JobView.Summary(status, parse.GetValue(top));
            if (status.Phase != JobPhase.Completed)
            {
                return ExitCodes.JobFailed;
            }

            return parse.GetValue(verify) && !SequentialCheck.Run(spec, status) ? ExitCodes.JobFailed : ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateStatus()
    {
        var jobId = new Argument<string>("job-id") { Description = "The job to show." };
        var command = new Command("status", "Show a job's progress.") { jobId };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse, cancellationToken, async (connection, _) =>
        {
            var id = parse.GetValue(jobId)!;
            var status = await connection.Grains.GetGrain<IMapReduceJobGrain>(id).GetStatusAsync();
            if (status.Phase == JobPhase.None)
            {
                return CommandRunner.Fail(ExitCodes.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"No job '{id}' is known to {connection.Description}."));
            }

            JobView.Summary(status, top: 10);
            return ExitCodes.Success;
        }));
        return command;
    }
}
