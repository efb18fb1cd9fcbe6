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

        var client = cluster.StartClient(["mr", "run", "wc", .. inputs, "--output", output, "--job-id", $"{name}-{Guid.NewGuid():N}", "--top", "0"]);
        var progress = await client.WaitForLineAsync(ProgressPattern().IsMatch, SiloProcessCluster.StartTimeout, "the job's first progress line");
        Assert.False(
            progress.Text.StartsWith("completed:", StringComparison.Ordinal) || progress.Text.StartsWith("failed:", StringComparison.Ordinal),
            $"the job ended before the test saw it running ({progress.Text}): no silo could be killed mid-job");

        // The first silo, the one started first: no silo holds the cluster together, on SQLite as on Redis.
        var victim = silos[0];
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

        // The kill hit the job: tasks of the dead silo were handed out again.
        var launches = client.Lines.Select(l => ReExecutionsPattern().Match(l.Text)).FirstOrDefault(m => m.Success);
        Assert.True(launches is not null, $"no task launch summary in the client's output{Environment.NewLine}{client.Tail()}");
        var reExecutions = int.Parse(launches.Groups["re"].Value, CultureInfo.InvariantCulture);
        Log($"{launches.Groups["launches"].Value} task launches, {reExecutions} re-executions");
        Assert.True(reExecutions > 0, "no task was re-executed: the killed silo held none of the job's running tasks");

        Assert.Equal(expected, WordCount.OutputLines(output));
    }

    /// <summary>The client's progress lines when its output is not a terminal: "mapping: map 3/48, reduce 0/10".</summary>
    [GeneratedRegex(@"^(mapping|reducing|completed|failed): map \d+/\d+, reduce \d+/\d+$")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"task launches\W+(?<launches>\d+) \((?<re>\d+) re-executions\)")]
    private static partial Regex ReExecutionsPattern();

    private void Log(string message) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    private static string Since(DateTime start, DateTime? end = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{((end ?? DateTime.UtcNow) - start).TotalSeconds:0.0} s");
}
