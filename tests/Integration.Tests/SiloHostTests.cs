using System.Text.RegularExpressions;
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
    public async Task JobsPages_InAHeadlessBrowser_ListTheJobs_AJobsTasksPaged_LinkedFromTheDashboard()
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

        // About 10 MB in splits of 64 KiB: more tasks than one page shows.
        var big = work.Sub("big.txt");
        await File.WriteAllTextAsync(big, string.Concat(Enumerable.Repeat(string.Concat(RepoPaths.SampleTexts.Select(File.ReadAllText)), 3)));
        using (var client = cluster.StartClient(["mr", "run", "wc", big, "--split-mb", "0.0625", "--job-id", "many-tasks", "--output", work.Sub("out-many"), "--top", "0"]))
        {
            Assert.Equal(0, await client.WaitForExitAsync(StopTimeout));
        }

        // The silo counts the job's map tasks, not its input files.
        Assert.Contains(silo.Process.Lines, l => Regex.IsMatch(l.Text, @"Job many-tasks submitted: app wc, 1 input files in \d{3} map tasks"));

        var list = await Chromium.RunAsync(work.Path, $"--screenshot={work.Sub("jobs.png")}", "--window-size=1280,600", "--dump-dom", $"http://127.0.0.1:{port}/jobs");
        var newest = list.IndexOf("<a href=\"/jobs/many-tasks\">many-tasks</a>", StringComparison.Ordinal);
        var older = list.IndexOf("<a href=\"/jobs/page-job\">page-job</a>", StringComparison.Ordinal);
        Assert.True(newest >= 0 && older > newest, "the job list does not link both jobs, newest first");
        Assert.Contains("<td class=\"Completed\">Completed</td>", list, StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">100%</td>", list, StringComparison.Ordinal);

        var job = await Chromium.RunAsync(work.Path, $"--screenshot={work.Sub("job.png")}", "--window-size=1280,1000", "--dump-dom", $"http://127.0.0.1:{port}/jobs/page-job");
        Assert.Contains("<span class=\"Completed\">Completed</span>", job, StringComparison.Ordinal);
        Assert.Contains("<td>map 2</td><td class=\"Done\">Done</td>", job, StringComparison.Ordinal);
        Assert.Contains("<td>reduce 3</td><td class=\"Done\">Done</td>", job, StringComparison.Ordinal);
        Assert.Contains("<td>input bytes</td>", job, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{silo.SiloPort}", job, StringComparison.Ordinal);
        Assert.Matches(@"<td class=""n"">\d+\.\d s</td><td class=""n"">\d+\.\d [KM]iB</td>", job);

        var many = await Chromium.RunAsync(work.Path, "--dump-dom", $"http://127.0.0.1:{port}/jobs/many-tasks");
        Assert.Matches(@"<h2>Tasks 1-100 of \d{3}</h2>", many);
        Assert.Contains("<a href=\"/jobs/many-tasks?page=2\">next</a>", many, StringComparison.Ordinal);
        var second = await Chromium.RunAsync(work.Path, "--dump-dom", $"http://127.0.0.1:{port}/jobs/many-tasks?page=2");
        Assert.Matches(@"<h2>Tasks 101-\d{3} of \d{3}</h2>", second);

        var dashboard = await Chromium.RunAsync(work.Path, "--dump-dom", $"http://127.0.0.1:{port}/");
        Assert.Contains("<a href=\"/jobs\"", dashboard, StringComparison.Ordinal);
        foreach (var screenshot in new[] { "jobs.png", "job.png" })
        {
            var png = await File.ReadAllBytesAsync(work.Sub(screenshot));
            Assert.True(png.Length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', $"no screenshot {screenshot} ({png.Length} bytes)");
        }
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
