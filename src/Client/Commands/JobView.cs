using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;
using Spectre.Console;

namespace RaftOrleans.Client.Commands;

/// <summary>How a job looks on the console: live progress while it runs, a summary when it ends.</summary>
internal static class JobView
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static void Started(JobStatus status, JobSpec spec, string where) =>
        AnsiConsole.MarkupLineInterpolated(
            $"Job [bold]{status.JobId}[/]: {spec.App} over {spec.Inputs.Count} files, {spec.ReduceTasks} reduce tasks, on {where}");

    public static async Task<JobStatus> FollowAsync(IGrainFactory grains, string jobId, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Not a terminal (CI, a pipe): one line per change instead of a redrawn bar.
            var last = string.Empty;
            return await MapReduceJobs.WaitAsync(grains, jobId, PollInterval, status =>
            {
                var line = ProgressLine(status);
                if (line != last)
                {
                    Console.WriteLine(line);
                    last = line;
                }
            }, cancellationToken);
        }

        JobStatus? final = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var map = context.AddTask("map");
                var reduce = context.AddTask("reduce");
                final = await MapReduceJobs.WaitAsync(grains, jobId, PollInterval, status =>
                {
                    map.MaxValue = Math.Max(1, status.MapsTotal);
                    map.Value = status.MapsDone;
                    map.Description = $"map {status.MapsDone}/{status.MapsTotal}";
                    reduce.MaxValue = Math.Max(1, status.ReducesTotal);
                    reduce.Value = status.ReducesDone;
                    reduce.Description = $"reduce {status.ReducesDone}/{status.ReducesTotal}";
                }, cancellationToken);
            });
        return final!;
    }

    public static void Summary(JobStatus status, int top)
    {
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("job", status.JobId);
        table.AddRow("state", status.Phase.ToString());
        table.AddRow("map tasks", $"{status.MapsDone}/{status.MapsTotal}");
        table.AddRow("reduce tasks", $"{status.ReducesDone}/{status.ReducesTotal}");
        table.AddRow("task launches", $"{status.TaskLaunches} ({status.ReExecutions} re-executions)");
        table.AddRow("wall time", status.Elapsed.TotalSeconds.ToString("0.000 s", CultureInfo.InvariantCulture));
        if (status.OutputFiles.Count > 0)
        {
            table.AddRow("output", $"{Path.GetDirectoryName(status.OutputFiles[0])}{Path.DirectorySeparatorChar}mr-out-0 .. mr-out-{status.OutputFiles.Count - 1}");
        }

        if (status.Error is not null)
        {
            table.AddRow("error", status.Error);
        }

        AnsiConsole.Write(table);
        if (status.Phase == JobPhase.Completed && top > 0)
        {
            TopKeys(status.OutputFiles, top);
        }
    }

    /// <summary>The keys with the largest numeric values (word counts); the first lines when values are not numbers.</summary>
    private static void TopKeys(IReadOnlyList<string> outputFiles, int top)
    {
        var lines = outputFiles.SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => (Key: l[..l.IndexOf(' ')], Value: l[(l.IndexOf(' ') + 1)..])).ToList();
        var numeric = lines.All(l => long.TryParse(l.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        var shown = numeric
            ? lines.OrderByDescending(l => long.Parse(l.Value, CultureInfo.InvariantCulture)).ThenBy(l => l.Key, StringComparer.Ordinal).Take(top)
            : lines.OrderBy(l => l.Key, StringComparer.Ordinal).Take(top);

        AnsiConsole.MarkupLineInterpolated($"{(numeric ? "Top" : "First")} {top} of {lines.Count} keys:");
        var table = new Table().AddColumn("key").AddColumn(new TableColumn("value") { Alignment = numeric ? Justify.Right : Justify.Left });
        foreach (var (key, value) in shown)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value));
        }

        AnsiConsole.Write(table);
    }

    private static string ProgressLine(JobStatus status) =>
        $"{status.Phase.ToString().ToLowerInvariant()}: map {status.MapsDone}/{status.MapsTotal}, reduce {status.ReducesDone}/{status.ReducesTotal}";
}
