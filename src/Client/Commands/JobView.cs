using System.Globalization;
using System.Text.Json;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.Client.Commands;

/// <summary>
/// How a job looks on the console: live progress on stderr while it runs (a line redrawn in a terminal, one line per
/// change otherwise), and the result on stdout: aligned text, or one JSON document with <c>--json</c>.
/// </summary>
internal static class JobView
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Started(JobStatus status, JobSpec spec, string where) =>
        CliOutput.Info($"Job {status.JobId}: {spec.App} over {Count(spec.Inputs.Count, "file")} ({Count(status.MapsTotal, "map task")}), {Count(spec.ReduceTasks, "reduce task")}, output {spec.OutputDirectory}, on {where}");

    public static async Task<JobStatus> FollowAsync(IGrainFactory grains, string jobId, CancellationToken cancellationToken)
    {
        if (CliOutput.Quiet)
        {
            return await MapReduceJobs.WaitAsync(grains, jobId, PollInterval, onProgress: null, cancellationToken);
        }

        // In a terminal one line redrawn in place, with the time so far; otherwise (CI, a pipe) one line per change.
        var terminal = !Console.IsErrorRedirected;
        var started = TimeProvider.System.GetTimestamp();
        var last = string.Empty;
        try
        {
            return await MapReduceJobs.WaitAsync(grains, jobId, PollInterval, status =>
            {
                var line = ProgressLine(status);
                if (terminal)
                {
                    Console.Error.Write($"\r{line}  {TimeProvider.System.GetElapsedTime(started):mm\\:ss}\u001b[K");
                }
                else if (line != last)
                {
                    Console.Error.WriteLine(line);
                    last = line;
                }
            }, cancellationToken);
        }
        finally
        {
            if (terminal)
            {
                Console.Error.WriteLine();
            }
        }
    }

    /// <summary>"mapping: map 4/8 (50%), reduce 0/10 (0%)": each phase's share of tasks done, from the same counts it shows.</summary>
    public static string ProgressLine(JobStatus status) =>
        $"{status.Phase.ToString().ToLowerInvariant()}: map {Share(status.MapsDone, status.MapsTotal)}, reduce {Share(status.ReducesDone, status.ReducesTotal)}";

    /// <summary>The job as a result: on stdout, as text or JSON.</summary>
    public static void Write(JobStatus status, bool json, int top)
    {
        foreach (var warning in status.Warnings ?? [])
        {
            CliOutput.Warning(warning);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(ToJson(status), JsonOptions));
            return;
        }

        Console.WriteLine($"job           {status.JobId}");
        Console.WriteLine($"state         {State(status)}");
        Console.WriteLine($"app           {status.App}");
        Console.WriteLine($"map tasks     {status.MapsDone}/{status.MapsTotal}");
        Console.WriteLine($"reduce tasks  {status.ReducesDone}/{status.ReducesTotal}");
        Console.WriteLine($"task launches {status.TaskLaunches} ({status.ReExecutions} re-executions, {status.BackupLaunches} backups)");
        Console.WriteLine($"started       {status.SubmittedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"wall time     {status.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s");
        Console.WriteLine($"output        {status.OutputDirectory}");
        if (status.OutputFiles.Count > 0)
        {
            Console.WriteLine($"output files  mr-out-0 .. mr-out-{status.OutputFiles.Count - 1}");
        }

        if (status.Error is not null)
        {
            Console.WriteLine($"error         {CliOutput.OneLine(status.Error)}");
        }

        foreach (var (name, count) in (status.Counters ?? new Dictionary<string, long>()).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"counter       {name}: {count.ToString("#,0", CultureInfo.InvariantCulture)}");
        }

        if (status.Phase == JobPhase.Completed && top > 0 && status.OutputFiles.Count > 0)
        {
            TopKeys(status.OutputFiles, top);
        }
    }

    /// <summary>Jobs as a list: one line each, or a JSON array.</summary>
    public static void WriteList(IReadOnlyList<JobStatus> jobs, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(jobs.Select(ToJson), JsonOptions));
            return;
        }

        var rows = jobs.Select(j => new[]
        {
            j.JobId,
            State(j),
            $"{j.MapsDone}/{j.MapsTotal}",
            $"{j.ReducesDone}/{j.ReducesTotal}",
            j.SubmittedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            j.OutputDirectory,
        }).Prepend(["JOB", "STATE", "MAPS", "REDUCES", "STARTED", "OUTPUT"]).ToList();
        var widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, c) => c < widths.Length ? cell.PadRight(widths[c]) : cell)));
        }
    }

    public static string State(JobStatus status) =>
        status.Orphaned ? $"{status.Phase} (orphaned: the client that ran it on its embedded silo is gone; resubmit with --job-id {status.JobId} to resume)"
        : status.RunsInClientProcess is { } pid ? $"{status.Phase} (on the embedded silo of client process {pid})"
        : status.Phase.ToString();

    private static object ToJson(JobStatus status) => new
    {
        status.JobId,
        Phase = status.Phase.ToString(),
        status.Orphaned,
        status.App,
        Maps = new { Done = status.MapsDone, Total = status.MapsTotal },
        Reduces = new { Done = status.ReducesDone, Total = status.ReducesTotal },
        status.RunsInClientProcess,
        status.TaskLaunches,
        status.ReExecutions,
        status.BackupLaunches,
        status.SubmittedAt,
        ElapsedSeconds = Math.Round(status.Elapsed.TotalSeconds, 3),
        status.OutputDirectory,
        status.OutputFiles,
        status.Error,
        Counters = status.Counters ?? new Dictionary<string, long>(),
        Warnings = status.Warnings ?? [],
    };

    /// <summary>The keys with the largest numeric values (word counts); the first lines when values are not numbers.</summary>
    private static void TopKeys(IReadOnlyList<string> outputFiles, int top)
    {
        var lines = outputFiles.SelectMany(File.ReadLines).Where(l => l.Contains(' ', StringComparison.Ordinal)).Select(l => (Key: l[..l.IndexOf(' ')], Value: l[(l.IndexOf(' ') + 1)..])).ToList();
        var numeric = lines.All(l => long.TryParse(l.Value, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        var shown = (numeric
            ? lines.OrderByDescending(l => long.Parse(l.Value, CultureInfo.InvariantCulture)).ThenBy(l => l.Key, StringComparer.Ordinal).Take(top)
            : lines.OrderBy(l => l.Key, StringComparer.Ordinal).Take(top)).ToList();

        Console.WriteLine();
        Console.WriteLine($"{(numeric ? "Top" : "First")} {top} of {lines.Count} keys:");
        var width = shown.Count == 0 ? 0 : shown.Max(l => l.Key.Length);
        foreach (var (key, value) in shown)
        {
            Console.WriteLine(numeric ? $"  {key.PadRight(width)}  {value,10}" : $"  {key.PadRight(width)}  {value}");
        }
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Share(int done, int total) => $"{done}/{total} ({(total == 0 ? 0 : done * 100 / total)}%)";
}
