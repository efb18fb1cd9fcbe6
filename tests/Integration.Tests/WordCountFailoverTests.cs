using System.Globalization;
using System.Text.RegularExpressions;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// Three silo processes and a client process run a word count; once the job is under way one silo is killed
/// with SIGKILL and a fourth joins. The job must finish with exactly the sequential count: on the embedded
/// SQLite stores (membership included) and on Redis (clustering, storage and reminders).
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class WordCountFailoverTests(ITestOutputHelper log)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public Task EmbeddedStore_JobSurvivesSiloKillAndJoin() =>
        RunAsync("it-sqlite", redis: null);

    [Fact]
    public Task Redis_JobSurvivesSiloKillAndJoin() =>
        RunAsync("it-redis", TestRedis.ConnectionString, "--RaftOrleans:FastFailureDetection=true");

    private async Task RunAsync(string name, string? redis, params string[] siloArguments)
    {
        using var work = new TempDirectory(name);
        // About 80 MB in 48 map tasks: the job runs for seconds, so the kill at its first progress line lands while
        // every silo holds running tasks (with 20 MB a job once finished as the kill landed, re-executing nothing).
        var inputs = WordCount.CreateInputs(work.Sub("inputs"), copies: 6, repeat: 4);
        var expected = WordCount.SequentialLines(inputs);
        var output = work.Sub("out");
        var started = DateTime.UtcNow;
        using var cluster = new SiloProcessCluster(name, work.Path, redis, log, siloArguments);
        var silos = await cluster.StartSilosAsync(3);
        Log($"3 silos up after {Since(started)}");

        // Connected before the job starts: by the time a client connects, a job this size is over.
        using var host = await ClusterClientHost.ConnectAsync(cluster, redis, SiloProcessCluster.StartTimeout);
        var grains = host.Client();
        var jobId = $"{name}-{Guid.NewGuid():N}";
        var job = grains.GetGrain<IMapReduceJobGrain>(jobId);
        var client = cluster.StartClient(["mr", "run", "wc", .. inputs, "--output", output, "--job-id", jobId, "--top", "0"]);
        var progress = await client.WaitForLineAsync(ProgressPattern().IsMatch, SiloProcessCluster.StartTimeout, "the job's first progress line");
        Assert.False(
            progress.Text.StartsWith("completed:", StringComparison.Ordinal) || progress.Text.StartsWith("failed:", StringComparison.Ordinal),
            $"the job ended before the test saw it running ({progress.Text}): no silo could be killed mid-job");

        // The silo running most of the job's tasks, as the job records them (tasks go round-robin over the silos the
        // placing silo knows: one that has just joined may run none yet). Any silo may die: none holds the cluster
        // together, on SQLite as on Redis.
        var running = (await job.GetTasksAsync()).Where(t => t.State == "InProgress" && t.Silo is not null).ToList();
        var victim = running
            .GroupBy(t => SiloAddress.FromParsableString(t.Silo!).Endpoint.Port)
            .OrderByDescending(g => g.Count())
            .Select(g => silos.FirstOrDefault(s => s.SiloPort == g.Key))
            .FirstOrDefault(s => s is not null);
        Assert.True(victim is not null, $"no silo of the test runs the job's tasks: {string.Join(", ", running.Select(t => $"{t.Kind} {t.Index}@{t.Silo}"))}");
        var victimTasks = running.Where(t => SiloAddress.FromParsableString(t.Silo!).Endpoint.Port == victim.SiloPort).Select(t => (t.Kind, t.Index)).ToHashSet();
        victim.Process.Kill();
        var killedAt = DateTime.UtcNow;
        Log($"SIGKILL {victim.Process.Name} (pid {victim.Process.Id}, silo port {victim.SiloPort}, {victimTasks.Count} of the job's {running.Count} running tasks) at \"{progress.Text}\"");

        var joiner = await cluster.StartSiloAsync();
        var joinedAt = DateTime.UtcNow;
        Log($"{joiner.Process.Name} joined {Since(killedAt)} after the kill");

        var exitCode = await client.WaitForExitAsync(JobTimeout);
        var completed = client.Lines.FirstOrDefault(l => l.Text.StartsWith("completed:", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"client exit code {exitCode}{Environment.NewLine}{client.Tail()}");
        Assert.NotNull(completed);
        Log($"job completed {Since(killedAt, completed.At)} after the kill ({(joinedAt < completed.At ? "after" : "before")} the new silo joined)");

        var launches = client.Lines.Select(l => LaunchesPattern().Match(l.Text)).FirstOrDefault(m => m.Success);
        Assert.True(launches is not null, $"no task launch summary in the client's output{Environment.NewLine}{client.Tail()}");
        Log($"{launches.Groups["launches"].Value} task launches, {launches.Groups["re"].Value} re-executions, {launches.Groups["backups"].Value} backups");

        // The kill hit the job: the tasks running on the dead silo were run again elsewhere, once the cluster declared
        // it dead (a re-execution) or, when that came later, as backups of tasks that had stopped making progress. One
        // of them may have committed just before the kill; not all.
        var rerun = (await job.GetTasksAsync())
            .Where(t => victimTasks.Contains((t.Kind, t.Index)) && t.State == "Done" && (t.Attempts > 1 || t.Backups > 0)
                && t.Silo is { } silo && SiloAddress.FromParsableString(silo).Endpoint.Port != victim.SiloPort)
            .ToList();
        Log($"{rerun.Count} of the dead silo's {victimTasks.Count} tasks ran again elsewhere");
        Assert.True(rerun.Count > 0, $"none of the {victimTasks.Count} tasks running on the killed silo ran again elsewhere");

        Assert.Equal(expected, WordCount.OutputLines(output));
    }

    /// <summary>The client's progress lines when its output is not a terminal: "mapping: map 3/48 (6%), reduce 0/10 (0%)".</summary>
    [GeneratedRegex(@"^(mapping|reducing|completed|failed): map \d+/\d+ \(\d+%\), reduce \d+/\d+ \(\d+%\)$")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"task launches\W+(?<launches>\d+) \((?<re>\d+) re-executions, (?<backups>\d+) backups\)")]
    private static partial Regex LaunchesPattern();

    private void Log(string message) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    private static string Since(DateTime start, DateTime? end = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{((end ?? DateTime.UtcNow) - start).TotalSeconds:0.0} s");
}
