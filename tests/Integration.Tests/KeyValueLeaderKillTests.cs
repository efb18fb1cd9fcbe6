using System.Diagnostics;
using System.Globalization;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// A Raft key/value group of 5 peers on 3 silo processes (Orleans places them; the log says where) takes a continuous stream of appends from one clerk (this
/// test process, an Orleans client). The silo process hosting the leader is killed with SIGKILL and a new silo is
/// started in its place. Writes resume, every acknowledged append is in the value exactly once and in order, and
/// the time from the kill to the first write acknowledged after it is logged. On the embedded SQLite store and on
/// Redis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KeyValueLeaderKillTests(ITestOutputHelper log)
{
    private const int PeerCount = 5;

    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long writes may stall after the kill (the defaults declare a silo dead after 12-17 s here).</summary>
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(120);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    [Fact]
    public Task EmbeddedStore_LeaderSiloKilledAndRestarted_NoAcknowledgedWriteLost() =>
        RunAsync("it-kvkill-sqlite", redis: null);

    [Fact]
    public Task Redis_LeaderSiloKilledAndRestarted_NoAcknowledgedWriteLost() =>
        RunAsync("it-kvkill-redis", TestRedis.ConnectionString, "--RaftOrleans:FastFailureDetection=true");

    private async Task RunAsync(string name, string? redis, params string[] siloArguments)
    {
        using var work = new TempDirectory(name);
        using var cluster = new SiloProcessCluster(name, work.Path, redis, log, siloArguments);
        await cluster.StartSilosAsync(3);
        Log("3 silos up");

        using var host = await ClusterClientHost.ConnectAsync(cluster, redis, SetupTimeout);
        var grains = host.Client();
        var group = $"kv-{Guid.NewGuid():N}";
        var peers = Enumerable.Range(0, PeerCount).Select(i => $"p{i}").ToArray();
        using (var setup = new CancellationTokenSource(SetupTimeout))
        {
            await KeyValueClient.CreateGroupAsync(grains, group, peers, setup.Token);
        }

        var key = $"key-{Guid.NewGuid():N}";
        await using var writer = new Writer(new KeyValueClient(grains, group, peers), key, _clock);
        writer.Start();
        await writer.WaitAsync(acks => acks.Count >= 20, SetupTimeout, "20 acknowledged writes before the kill");
        Log($"group {group} up, {writer.Count} writes acknowledged");

        // The silo to kill: the leader's, whichever it is (no silo holds the cluster together, on SQLite as on Redis).
        var deadline = _clock.Elapsed + SetupTimeout;
        SiloProcess victim;
        IReadOnlyList<(string Peer, PeerState? State)> states;
        while (true)
        {
            states = await RaftGroupProbe.StatesAsync(grains, group, peers);
            var leader = states.Where(s => s.State is { IsLeader: true }).OrderByDescending(s => s.State!.Term).FirstOrDefault();
            if (leader.State is { } state && RaftGroupProbe.SiloOf(cluster, state) is { } leaderSilo)
            {
                victim = leaderSilo;
                Log($"leader {leader.Peer} (term {leader.State!.Term}) on {victim.Process.Name}; peers: {RaftGroupProbe.Describe(cluster, states)}");
                break;
            }

            Assert.True(_clock.Elapsed < deadline, $"no leader on a known silo within {SetupTimeout.TotalSeconds:0} s; peers: {RaftGroupProbe.Describe(cluster, states)}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        var onVictim = states.Count(s => s.State is { } state && RaftGroupProbe.SiloOf(cluster, state) == victim);
        var ackedBeforeKill = writer.Count;
        victim.Process.Kill();
        var killedAt = _clock.Elapsed;
        Log($"SIGKILL {victim.Process.Name} (pid {victim.Process.Id}, silo port {victim.SiloPort}, {onVictim} of {PeerCount} peers) after {ackedBeforeKill} acknowledged writes");

        // The write in flight at the kill may have been answered before the process died; the first write issued
        // after the kill shows the service back.
        var afterKill = await writer.WaitAsync(acks => acks.Any(a => a.Started >= killedAt), ResumeTimeout, "a write issued and acknowledged after the kill");
        var inFlight = afterKill.First(a => a.At > killedAt);
        var firstAfterKill = afterKill.First(a => a.Started >= killedAt);
        var resumedIn = firstAfterKill.At - killedAt;
        Log($"kill to first successful write after it: {Seconds(resumedIn)} ({firstAfterKill.Value}; {PeerCount - onVictim} peers not on the killed silo; "
            + $"the write in flight at the kill, {inFlight.Value}, acknowledged {Seconds(inFlight.At - killedAt)} after it)");

        var restarted = await cluster.StartSiloAsync();
        var restartedAt = _clock.Elapsed;
        Log($"{restarted.Process.Name} (silo port {restarted.SiloPort}) started {Seconds(restartedAt - killedAt)} after the kill");
        await writer.WaitAsync(acks => acks.Count(a => a.At > restartedAt) >= 20, ResumeTimeout, "20 writes acknowledged after the restart");

        var acknowledged = await writer.StopAsync(ResumeTimeout);
        var maxGap = acknowledged.Zip(acknowledged.Skip(1), (a, b) => b.At - a.At).Max();
        Log($"{acknowledged.Count} writes acknowledged in all; longest gap between two acknowledgements {Seconds(maxGap)}");
        states = await RaftGroupProbe.StatesAsync(grains, group, peers);
        Log($"peers after the restart: {RaftGroupProbe.Describe(cluster, states)}");

        using var reading = new CancellationTokenSource(ResumeTimeout);
        var value = await new KeyValueClient(grains, group, peers).GetAsync(key, reading.Token);
        var stored = value.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var missing = acknowledged.Select(a => a.Value).Except(stored).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes lost: {string.Join(' ', missing.Take(20))}");
        var duplicated = stored.GroupBy(v => v).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicated.Count == 0, $"writes applied more than once: {string.Join(' ', duplicated.Take(20))}");

        // One clerk, one request at a time, none outstanding when it stopped: the value is exactly its acknowledged appends, in order.
        Assert.Equal(acknowledged.Select(a => a.Value), stored);
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.00} s");

    private void Log(string message) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");

    /// <summary>One acknowledged append: its value, when the clerk was called and when it returned.</summary>
    private sealed record Ack(string Value, TimeSpan Started, TimeSpan At);

    /// <summary>The clerk's loop: one append at a time, each with a new value, until stopped; waits on its acknowledgements are bounded.</summary>
    private sealed class Writer(KeyValueClient client, string key, Stopwatch clock) : IAsyncDisposable
    {
        private readonly List<Ack> _acks = [];
        private readonly CancellationTokenSource _abort = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _stopping;
        private Task _loop = Task.CompletedTask;

        public int Count
        {
            get
            {
                lock (_acks)
                {
                    return _acks.Count;
                }
            }
        }

        public void Start() => _loop = Task.Run(RunAsync);

        /// <summary>The acknowledgements once <paramref name="done"/> holds for them.</summary>
        /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>.</exception>
        public async Task<IReadOnlyList<Ack>> WaitAsync(Func<IReadOnlyList<Ack>, bool> done, TimeSpan timeout, string what)
        {
            var deadline = clock.Elapsed + timeout;
            while (true)
            {
                Task changed;
                Ack[] acks;
                lock (_acks)
                {
                    acks = [.. _acks];
                    changed = _changed.Task;
                }

                if (done(acks))
                {
                    return acks;
                }

                if (_loop.IsCompleted)
                {
                    await _loop;
                    throw new InvalidOperationException($"the writer stopped before {what}");
                }

                var left = deadline - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0} s ({acks.Length} writes acknowledged, the last at {acks.LastOrDefault()?.At})");
                }

                await Task.WhenAny(changed, _loop, Task.Delay(left));
            }
        }

        /// <summary>Lets the write under way finish, then stops; the acknowledgements.</summary>
        public async Task<IReadOnlyList<Ack>> StopAsync(TimeSpan timeout)
        {
            _stopping = true;
            await _loop.WaitAsync(timeout);
            lock (_acks)
            {
                return [.. _acks];
            }
        }

        public async ValueTask DisposeAsync()
        {
            _stopping = true;
            await _abort.CancelAsync();
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                // Already reported by the test, or the abort itself.
            }

            _abort.Dispose();
        }

        private async Task RunAsync()
        {
            for (var n = 1; !_stopping; n++)
            {
                var value = string.Create(CultureInfo.InvariantCulture, $"w{n}");
                var started = clock.Elapsed;
                await client.AppendAsync(key, "," + value, _abort.Token);
                TaskCompletionSource changed;
                lock (_acks)
                {
                    _acks.Add(new Ack(value, started, clock.Elapsed));
                    changed = _changed;
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                changed.TrySetResult();
            }
        }
    }
}
