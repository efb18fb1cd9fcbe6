using System.Diagnostics;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// The Raft-replicated key/value store across silo processes: a group of 5 peers on 3 silos takes writes from
/// client processes; every silo is stopped and new ones started at once; the group and its data are back. Then the
/// first of them is killed: the others go on, and a new silo still joins (no silo holds the cluster together).
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyValueRestartTests(ITestOutputHelper log)
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public Task EmbeddedStore_AllSilosRestarted_GroupAndDataAreBack() =>
        RunAsync("it-kv-sqlite", redis: null);

    [Fact]
    public Task Redis_AllSilosRestarted_GroupAndDataAreBack() =>
        RunAsync("it-kv-redis", TestRedis.ConnectionString);

    private async Task RunAsync(string name, string? redis)
    {
        using var work = new TempDirectory(name);
        using var cluster = new SiloProcessCluster(name, work.Path, redis, log);
        await cluster.StartSilosAsync(3);

        var key = $"key-{Guid.NewGuid():N}";
        await KvAsync(cluster, "put", key, "v0");
        var expected = "v0";
        for (var i = 1; i <= 3; i++)
        {
            await KvAsync(cluster, "append", key, $",a{i}");
            expected += $",a{i}";
        }

        Assert.Equal(expected, await KvAsync(cluster, "get", key));

        await cluster.StopAllAsync(ClientTimeout);
        await cluster.StartSilosAsync(3);
        var clock = Stopwatch.StartNew();
        Assert.Equal(expected, await KvAsync(cluster, "get", key));
        log.WriteLine($"first read after the restart answered in {clock.Elapsed.TotalSeconds:0.0} s");

        await KvAsync(cluster, "append", key, ",after-restart");
        expected += ",after-restart";
        Assert.Equal(expected, await KvAsync(cluster, "get", key));

        var first = cluster.Silos[^3];
        first.Process.Kill();
        await first.Process.WaitForExitAsync(ClientTimeout);
        await KvAsync(cluster, "append", key, ",after-kill");
        await cluster.StartSiloAsync();
        Assert.Equal(expected + ",after-kill", await KvAsync(cluster, "get", key));
    }

    /// <returns>The last line the client printed (a get's value).</returns>
    private static async Task<string> KvAsync(SiloProcessCluster cluster, params string[] command)
    {
        var client = cluster.StartClient(["kv", "--peers", "5", .. command]);
        var exitCode = await client.WaitForExitAsync(ClientTimeout);
        Assert.True(exitCode == 0, $"kv {string.Join(' ', command)}: exit code {exitCode}{Environment.NewLine}{client.Tail()}");
        return client.Lines.LastOrDefault(l => !l.IsError)?.Text ?? string.Empty;
    }
}
