using System.Globalization;
using System.Text.RegularExpressions;
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
        var client = cluster.StartClient(["mr", "run", "wc", .. inputs, "--output", output, "--job-id", $"{name}-{Guid.NewGuid():N}", "--top", "0"]);
        var progress = await client.WaitForLineAsync(ProgressPattern().IsMatch, SiloProcessCluster.StartTimeout, "the job's first progress line");
        Assert.False(
            progress.Text.StartsWith("completed:", StringComparison.Ordinal) || progress.Text.StartsWith("failed:", StringComparison.Ordinal),
            $"the job ended before the test saw it running ({progress.Text}): no silo could be killed mid-job");

        // A silo that runs the job's map tasks (placed round-robin over the silos the placing silo knows: a silo that
        // has just joined may get none yet). Any may die: no silo holds the cluster together, on SQLite as on Redis.
        var victim = await SiloRunningMapTasksAsync(grains, silos);
        victim.Process.Kill();
        var killedAt = DateTime.UtcNow;
        Log($"SIGKILL {victim.Process.Name} (pid {victim.Process.Id}, silo port {victim.SiloPort}) at \"{progress.Text}\"");

        var joiner = await cluster.StartSiloAsync();
        var joinedAt = DateTime.UtcNow;
        Log($"{joiner.Process.Name} joined {Since(killedAt)} after the kill");

        var exitCode = await client.WaitForExitAsync(JobTimeout);
        var completed = client.Lines.FirstOrDefault(l => l.Text.StartsWith("completed:", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"client exit code {exitCode}{Environment.NewLine}{client.Tail()}");
        Assert.NotNull(completed);
        Log($"job completed {Since(killedAt, completed.At)} after the kill ({(joinedAt < completed.At ? "after" : "before")} the new silo joined)");

        // The kill hit the job: tasks of the dead silo were handed out again, once the cluster declared it dead
        // (re-executions) or, when that came later, as backups of the tasks that had stopped making progress.
        var launches = client.Lines.Select(l => LaunchesPattern().Match(l.Text)).FirstOrDefault(m => m.Success);
        Assert.True(launches is not null, $"no task launch summary in the client's output{Environment.NewLine}{client.Tail()}");
        var reExecutions = int.Parse(launches.Groups["re"].Value, CultureInfo.InvariantCulture);
        var backups = int.Parse(launches.Groups["backups"].Value, CultureInfo.InvariantCulture);
        Log($"{launches.Groups["launches"].Value} task launches, {reExecutions} re-executions, {backups} backups");
        Assert.True(reExecutions + backups > 0, "no task was launched again: the killed silo's tasks were not the job's");

        Assert.Equal(expected, WordCount.OutputLines(output));
    }

    private static async Task<SiloProcess> SiloRunningMapTasksAsync(IClusterClient grains, IReadOnlyList<SiloProcess> silos)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var mapTasks = statistics
            .Where(s => s.GrainType.Contains("MapTaskGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .OrderByDescending(s => s.ActivationCount)
            .ToList();
        var victim = mapTasks.Select(s => silos.FirstOrDefault(silo => silo.SiloPort == s.SiloAddress.Endpoint.Port)).FirstOrDefault(silo => silo is not null);
        Assert.True(victim is not null, $"no silo of the test runs map tasks: {string.Join(", ", statistics.Select(s => $"{s.GrainType}@{s.SiloAddress}: {s.ActivationCount}"))}");
        return victim;
    }

    /// <summary>The client's progress lines when its output is not a terminal: "mapping: map 3/48, reduce 0/10".</summary>
    [GeneratedRegex(@"^(mapping|reducing|completed|failed): map \d+/\d+, reduce \d+/\d+$")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"task launches\W+(?<launches>\d+) \((?<re>\d+) re-executions, (?<backups>\d+) backups\)")]
    private static partial Regex LaunchesPattern();

    private void Log(string message) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    private static string Since(DateTime start, DateTime? end = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{((end ?? DateTime.UtcNow) - start).TotalSeconds:0.0} s");
}
