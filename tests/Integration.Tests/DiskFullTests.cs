using System.Diagnostics;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// A silo whose disk fills up under a key/value group that three clerks use without pause: the silo runs in a mount
/// namespace of its own (<c>unshare</c>, no privilege needed) with its data directory on a small tmpfs, which the test
/// fills through <c>/proc/&lt;pid&gt;/root</c> and then frees. While the disk is full, writes fail fast with the typed
/// refusal and change nothing, and reads go on; once it has space again, writes resume; nothing acknowledged is lost
/// and the history is linearizable.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DiskFullTests(ITestOutputHelper log)
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long the disk stays full.</summary>
    private static readonly TimeSpan Full = TimeSpan.FromSeconds(6);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public async Task AFullDisk_RefusesWritesAtOnceAndServesReads_ThenWritesResume_NothingAcknowledgedLost()
    {
        using var work = new TempDirectory("it-diskfull");
        using var cluster = new SiloProcessCluster("it-diskfull", work.Path, redis: null, log);
        cluster.StartProcess = (name, dotnet) => ChildProcess.StartProgram(
            name,
            "unshare",
            ["--user", "--map-root-user", "--mount", "--", "sh", "-c", "mkdir -p \"$1\" && mount -t tmpfs -o size=64m tmpfs \"$1\" && shift && exec \"$@\"", "sh", cluster.DataDirectory, Binaries.DotnetHost, .. dotnet],
            work.Path);
        var silo = (await cluster.StartSilosAsync(1))[0];
        var disk = $"/proc/{silo.Process.Id}/root{cluster.DataDirectory}";
        Assert.True(Directory.Exists(disk), $"the silo's data directory is not visible at {disk}");

        using var host = await ClusterClientHost.ConnectAsync(cluster, redis: null, SetupTimeout);
        var grains = host.Client();
        string[] peers = ["p0", "p1", "p2"];
        using (var setup = new CancellationTokenSource(SetupTimeout))
        {
            await KeyValueClient.CreateGroupAsync(grains, "kv", peers, setup.Token);
        }

        await using var workload = new KvWorkload(grains, "kv", peers, clerks: 3, _clock);
        workload.Start();
        await workload.WaitForWritesAsync(50, SetupTimeout);

        var filler = Path.Combine(disk, "filler");
        var filledAt = _clock.Elapsed;
        var filled = await FillAsync(filler);
        Log($"disk full after writing {filled >> 20} MiB of filler");

        // A clerk with nothing under way (the workload's may each wait on a write the full disk caught): once the
        // group's saves have failed (at its next write, a moment after the disk filled), its fresh writes must be refused
        // at once and its reads answered.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (refusals, reads, slowest) = (0, 0, TimeSpan.Zero);
        var surprises = new List<string>();
        for (var until = _clock.Elapsed + Full; _clock.Elapsed < until;)
        {
            var probe = new KeyValueClient(grains, "kv", peers);
            var started = _clock.Elapsed;
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            try
            {
                await probe.PutAsync($"probe-{refusals}", "v", bound.Token);
                surprises.Add($"a write acknowledged at {(_clock.Elapsed - filledAt).TotalSeconds:0.0} s into the full disk");
            }
            catch (RaftStorageUnavailableException)
            {
                refusals++;
                slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (_clock.Elapsed - started).Ticks));
            }
            catch (OperationCanceledException)
            {
                surprises.Add($"a write neither refused nor acknowledged within 3 s, {(started - filledAt).TotalSeconds:0.0} s into the full disk");
            }

            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            try
            {
                await probe.GetAsync("a", bound.Token);
                reads++;
            }
            catch (OperationCanceledException)
            {
                surprises.Add($"a read not answered, {(_clock.Elapsed - filledAt).TotalSeconds:0.0} s into the full disk");
            }

            await Task.Delay(100);
        }

        var freedAt = _clock.Elapsed;
        File.Delete(filler);
        Log("filler deleted");
        await workload.WaitForWritesAsync(30, TimeSpan.FromSeconds(60));
        Log("writes resumed");

        var workloadRefusals = workload.Refusals.Where(r => r.At >= filledAt).ToList();
        var workloadReads = workload.ReadsBetween(filledAt + TimeSpan.FromSeconds(1), freedAt);
        var (verdict, operations, lost, refusedButApplied) = await workload.StopAndCheckAsync();
        foreach (var surprise in surprises)
        {
            Log(surprise);
        }

        Log($"while full: the probe's {refusals} writes refused (slowest {slowest.TotalMilliseconds:0} ms) and {reads} reads answered; the workload's {workloadRefusals.Count} writes refused (slowest {(workloadRefusals.Count == 0 ? 0 : workloadRefusals.Max(r => r.Took.TotalMilliseconds)):0} ms), {workloadReads} reads; {operations} operations checked: {verdict.Outcome}");

        Assert.Empty(surprises);
        Assert.True(refusals > 10, $"only {refusals} refusals");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"a refusal took {slowest.TotalSeconds:0.00} s");
        Assert.All(workloadRefusals, r => Assert.True(r.Took < TimeSpan.FromSeconds(2), $"a refusal took {r.Took.TotalSeconds:0.00} s"));
        Assert.Empty(lost);
        Assert.Empty(refusedButApplied);
        Assert.True(verdict.IsLinearizable, verdict.Explanation);
    }

    /// <summary>Writes zeros until the file system has no room left; returns how many bytes it took.</summary>
    private static async Task<long> FillAsync(string path)
    {
        var chunk = new byte[1 << 20];
        long written = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        try
        {
            while (true)
            {
                await file.WriteAsync(chunk);
                await file.FlushAsync();
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full.
        }

        return written;
    }

    private void Log(string message) => log.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.00}s {message}");
}
