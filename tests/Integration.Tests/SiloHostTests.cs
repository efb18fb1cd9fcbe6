using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>The silo host's life: a graceful stop on SIGTERM, and the dashboard when asked for.</summary>
[Trait("Category", "Integration")]
public sealed class SiloHostTests(ITestOutputHelper log)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_SiloLeavesTheClusterAndExitsZero()
    {
        using var work = new TempDirectory("it-sigterm");
        using var cluster = new SiloProcessCluster("it-sigterm", work.Path, redis: null, log);
        var silos = await cluster.StartSilosAsync(2);

        silos[1].Process.Terminate();
        Assert.Equal(0, await silos[1].Process.WaitForExitAsync(StopTimeout));
        await silos[1].Process.WaitForLineAsync(l => l.Contains($"Silo 127.0.0.1:{silos[1].SiloPort} stopped", StringComparison.Ordinal), StopTimeout, "its 'stopped' line");

        // The other silo goes on serving: a job runs on it alone.
        using var client = cluster.StartClient(["mr", "run", "wc", RepoPaths.SampleTexts[0], "--output", work.Sub("out"), "--top", "0"]);
        Assert.Equal(0, await client.WaitForExitAsync(StopTimeout));
        Assert.Equal(WordCount.SequentialLines([RepoPaths.SampleTexts[0]]), WordCount.OutputLines(work.Sub("out")));
    }

    [Fact]
    public async Task JobsPage_InAHeadlessBrowser_ShowsAJobItsTasksAndCounters()
    {
        using var work = new TempDirectory("it-jobs-page");
        var port = FreePorts.Next();
        using var cluster = new SiloProcessCluster("it-jobs-page", work.Path, redis: null, log, "--RaftOrleans:Dashboard:Enabled=true", $"--RaftOrleans:Dashboard:Port={port}");
        var silo = (await cluster.StartSilosAsync(1))[0];
        await silo.Process.WaitForLineAsync(l => l.Contains($"Jobs page at http://127.0.0.1:{port}/jobs", StringComparison.Ordinal), StopTimeout, "the jobs page's address");
        using (var client = cluster.StartClient(["mr", "run", "wc", .. RepoPaths.SampleTexts.Take(3), "--job-id", "page-job", "--reduce", "4", "--output", work.Sub("out"), "--top", "0"]))
        {
            Assert.Equal(0, await client.WaitForExitAsync(StopTimeout));
        }

        var screenshot = work.Sub("jobs-page.png");
        var dom = await Chromium.RunAsync(work.Path, $"--screenshot={screenshot}", "--window-size=1280,1000", "--dump-dom", $"http://127.0.0.1:{port}/jobs");
        Assert.Contains("<h2 id=\"page-job\">page-job: <span class=\"Completed\">Completed</span></h2>", dom, StringComparison.Ordinal);
        Assert.Contains("<td>map 2</td><td class=\"Done\">Done</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<td>reduce 3</td><td class=\"Done\">Done</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<td>input bytes</td>", dom, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{silo.SiloPort}", dom, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"no screenshot ({png.Length} bytes)");
    }

    [Fact]
    public async Task Dashboard_OnWhenEnabled_ServesOnLoopback()
    {
        using var work = new TempDirectory("it-dashboard");
        var port = FreePorts.Next();
        using var cluster = new SiloProcessCluster("it-dashboard", work.Path, redis: null, log, "--RaftOrleans:Dashboard:Enabled=true", $"--RaftOrleans:Dashboard:Port={port}");
        var silo = (await cluster.StartSilosAsync(1))[0];
        await silo.Process.WaitForLineAsync(l => l.Contains($"Dashboard at http://127.0.0.1:{port}/", StringComparison.Ordinal), StopTimeout, "the dashboard's address");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
        Assert.Contains("<title>Orleans Dashboard</title>", page, StringComparison.Ordinal);

        // The dashboard samples the cluster about once a second: its first answers may list no silo yet.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string counters;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            counters = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/DashboardCounters"), deadline.Token);
        }
        while (!counters.Contains($"127.0.0.1:{silo.SiloPort}@", StringComparison.Ordinal));
    }
}
