using System.Text.Json;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// State written by an earlier version loads in this one: grain state (a MapReduce job and the job list, Orleans'
/// serializer under the types' aliases) and Raft storage (term, vote, log and snapshot of a key/value group).
/// </summary>
[Trait("Category", "Integration")]
public sealed class StoredStateTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _work = new("it-stored");

    [Fact]
    public async Task StateWrittenBeforeTheFeatureProjects_LoadsAndServes()
    {
        var data = _work.Sub("data");
        CopyDirectory(Path.Combine(RepoPaths.Root, "tests", "Integration.Tests", "Fixtures", "state-2026-12-07"), data);

        var status = await RunAsync(data, "mr", "status", "layout-v1", "--json");
        Assert.Equal(0, status.ExitCode);
        var job = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal("Completed", job.GetProperty("phase").GetString());
        Assert.Equal("wc", job.GetProperty("app").GetString());
        Assert.Equal(2, job.GetProperty("maps").GetProperty("total").GetInt32());
        Assert.Equal(3, job.GetProperty("reduces").GetProperty("done").GetInt32());
        var counters = job.GetProperty("counters");
        Assert.Equal(277_939, counters.GetProperty("input bytes").GetInt64());
        Assert.Equal(49_658, counters.GetProperty("map output records").GetInt64());
        Assert.Equal(4_948, counters.GetProperty("output records").GetInt64());

        var list = await RunAsync(data, "mr", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("layout-v1", list.Stdout, StringComparison.Ordinal);

        var scan = await RunAsync(data, "kv", "scan", "", "--json");
        Assert.Equal(0, scan.ExitCode);
        var entries = JsonDocument.Parse(scan.Stdout).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("value").GetString()!))
            .ToArray();
        (string, string)[] expected =
        [
            ("greeting", "hello, world!"),
            .. Enumerable.Range(0, 20).Select(i => ($"n/{i:00}", $"v{i}")),
            ("user/1", "amy"),
        ];
        Assert.Equal(expected, entries);
    }

    public void Dispose() => _work.Dispose();

    private async Task<(int ExitCode, string Stdout)> RunAsync(string data, params string[] arguments)
    {
        using var client = ChildProcess.Start("client", Binaries.ClientDll, ["--data-dir", data, .. arguments], _work.Path);
        var exitCode = await client.WaitForExitAsync(CommandTimeout);
        log.WriteLine($"{string.Join(' ', arguments)} -> exit {exitCode}");
        foreach (var line in client.Lines.Where(l => l.IsError))
        {
            log.WriteLine($"  err {line.Text}");
        }

        return (exitCode, string.Join('\n', client.Lines.Where(l => !l.IsError).Select(l => l.Text)));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*.db", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
