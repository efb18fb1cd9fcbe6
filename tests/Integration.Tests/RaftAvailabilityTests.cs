using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// One silo paused or killed never stops a Raft group for long. Three silo processes on Redis, a key/value group
/// under continuous writes from three clerks: each silo in turn (the leader's first) is paused with SIGSTOP for
/// 10 s, then each in turn is killed with SIGKILL and a new silo started, as a supervisor would. After each fault
/// the longest time without a completed write must stay within 2 s; no acknowledged write may be lost, and the
/// history must be linearizable. Time in which this test process itself did not run (<see cref="ObserverStalls"/>)
/// is not counted in a gap: its clerks could complete nothing then. A silo declared dead while paused ends itself when it resumes (exit 134,
/// Orleans' FailFast); the test then starts another, as a supervisor does.
/// <para>
/// Five runs in a row, with nothing else running on the 2-core machine: all 75 faults within 1.43 s. The default
/// suite runs its test assemblies one after another (<c>-m:1</c> in the README's test command), so no other
/// assembly's clusters share the cores with this one.
/// </para>
/// </summary>
[Trait("Category", "Integration")]
public sealed class RaftAvailabilityTests(ITestOutputHelper log)
{
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _report = [];
    private readonly List<(string Fault, TimeSpan Gap)> _gaps = [];
    private ObserverStalls? _observer;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task ThreePeers_EachSiloPausedThenKilledInTurn_WritesResumeWithin2s(bool fastFailureDetection) =>
        RunAsync($"it-avail3{(fastFailureDetection ? "f" : "d")}", peers: 3, kill: true, fastFailureDetection);

    [Fact]
    public Task FivePeersOnThreeSilos_EachSiloPausedInTurn_WritesResumeWithin2s() =>
        RunAsync("it-avail5", peers: 5, kill: false, fastFailureDetection: false);

    /// <summary>
    /// Faults close together, the group never waited for to heal: kill silo1, kill silo2, kill silo2's replacement,
    /// then pause silo0, each 4 s after the one before and 3 s after the last kill's replacement started (as a
    /// supervisor restarts it; on this machine a silo takes 5-12 s to start): three silos are up at every fault. A killed
    /// peer comes back beside another and moves to the replacement as soon as it has caught up there; the test measures
    /// how long any silo held two of the three peers with three silos up, and every gap must stay within 2 s.
    /// </summary>
    [Fact]
    public async Task ThreePeers_FaultsFourSecondsApart_WritesResumeWithin2s()
    {
        using var observer = _observer = new ObserverStalls(_clock);
        using var work = new TempDirectory("it-avail-close");
        using var cluster = new SiloProcessCluster("it-avail-close", work.Path, TestRedis.ConnectionString, log);
        var silos = (await cluster.StartSilosAsync(3)).ToList();
        string[] ids = ["p0", "p1", "p2"];
        var (host, group, workload, _) = await StartWorkloadAsync(cluster, ids, "close");
        using var hosted = host;
        await using var running = workload;
        var grains = host.Client();
        using var doubled = new DoubledPeerWatch(cluster, grains, group, ids, _clock);

        var faults = new List<(string Fault, SiloProcess Victim, TimeSpan At)>();
        var last = _clock.Elapsed;
        Task<SiloProcess>? replacement = null;
        async Task NextFaultAsync()
        {
            var due = last + TimeSpan.FromSeconds(4);
            if (replacement is not null)
            {
                await replacement;
                due = TimeSpan.FromTicks(Math.Max(due.Ticks, (_clock.Elapsed + TimeSpan.FromSeconds(3)).Ticks));
            }

            if (_clock.Elapsed < due)
            {
                await Task.Delay(due - _clock.Elapsed);
            }

            last = _clock.Elapsed;
        }

        foreach (var victimOf in new Func<SiloProcess>[] { () => silos[1], () => silos[2], () => replacement!.Result })
        {
            await NextFaultAsync();
            var victim = victimOf();
            victim.Process.Kill();
            faults.Add(("kill", victim, _clock.Elapsed));
            Log($"SIGKILL {victim.Process.Name}");
            replacement = cluster.StartSiloAsync();
        }

        await NextFaultAsync();
        silos[0].Process.Pause();
        faults.Add(("pause", silos[0], _clock.Elapsed));
        Log($"SIGSTOP {silos[0].Process.Name}");
        await Task.Delay(Pause);
        silos[0].Process.Resume();
        Log($"SIGCONT {silos[0].Process.Name}");
        await ReplaceIfDeclaredDeadAsync(cluster, grains, silos[0]);
        var states = await SpreadAsync(cluster, grains, group, ids, "the last fault");
        await workload.WaitForWritesAsync(20, RecoveryTimeout);

        for (var i = 0; i < faults.Count; i++)
        {
            var (fault, victim, at) = faults[i];
            var end = i + 1 < faults.Count ? faults[i + 1].At : _clock.Elapsed;
            Record(fault, victim, at, workload.LongestGap(at, end), states, cluster);
        }

        var windows = doubled.Stop();
        Log($"a silo held two of the three peers with three silos up for at most {Seconds(windows.Longest)} ({windows.Count} times)");
        await CheckAsync(workload);
    }

    private async Task RunAsync(string name, int peers, bool kill, bool fastFailureDetection)
    {
        using var observer = _observer = new ObserverStalls(_clock);
        using var work = new TempDirectory(name);
        using var cluster = new SiloProcessCluster(name, work.Path, TestRedis.ConnectionString, log, $"--RaftOrleans:FastFailureDetection={fastFailureDetection}");
        await cluster.StartSilosAsync(3);
        var ids = Enumerable.Range(0, peers).Select(i => $"p{i}").ToArray();
        var (host, group, workload, states) = await StartWorkloadAsync(cluster, ids, "avail");
        using var hosted = host;
        await using var running = workload;
        var grains = host.Client();

        foreach (var victim in InTurn(cluster, states))
        {
            var pausedAt = _clock.Elapsed;
            victim.Process.Pause();
            Log($"SIGSTOP {victim.Process.Name}");
            await Task.Delay(Pause);
            victim.Process.Resume();
            Log($"SIGCONT {victim.Process.Name} after {Seconds(_clock.Elapsed - pausedAt)}");
            await ReplaceIfDeclaredDeadAsync(cluster, grains, victim);
            states = await SpreadAsync(cluster, grains, group, ids, $"the pause of {victim.Process.Name}");
            await workload.WaitForWritesAsync(20, RecoveryTimeout);
            Record("pause", victim, pausedAt, workload.LongestGap(pausedAt, _clock.Elapsed), states, cluster);
        }

        if (kill)
        {
            foreach (var victim in InTurn(cluster, states))
            {
                var killedAt = _clock.Elapsed;
                victim.Process.Kill();
                Log($"SIGKILL {victim.Process.Name}");
                var replacement = await cluster.StartSiloAsync();
                Log($"{replacement.Process.Name} started {Seconds(_clock.Elapsed - killedAt)} after the kill");
                states = await SpreadAsync(cluster, grains, group, ids, $"the kill of {victim.Process.Name}");
                await workload.WaitForWritesAsync(20, RecoveryTimeout);
                Record("kill", victim, killedAt, workload.LongestGap(killedAt, _clock.Elapsed), states, cluster);
            }
        }

        await CheckAsync(workload);
    }

    /// <summary>Stops the clerks; nothing acknowledged lost, the history linearizable, every gap within 2 s.</summary>
    private async Task CheckAsync(KvWorkload workload)
    {
        var (verdict, operations, lost, _) = await workload.StopAndCheckAsync();
        Log($"{workload.Writes} writes, {operations} checked operations: {verdict.Outcome} in {verdict.Elapsed.TotalMilliseconds:0} ms");
        foreach (var line in _report)
        {
            log.WriteLine(line);
        }

        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged appends lost: {string.Join(' ', lost.Take(10))}");
        Assert.True(verdict.IsLinearizable, verdict.Explanation);
        Assert.All(_gaps, g => Assert.True(g.Gap <= MaxGap, $"no write completed for {Seconds(g.Gap)} after the {g.Fault}: {string.Join("; ", _report)}"));
    }

    /// <summary>
    /// A client of <paramref name="cluster"/>, a key/value group of <paramref name="ids"/> spread over its silos (its
    /// peers' states then), and three clerks writing without pause (50 writes done).
    /// </summary>
    private async Task<(IHost Host, string Group, KvWorkload Workload, IReadOnlyList<(string Peer, PeerState? State)> States)> StartWorkloadAsync(SiloProcessCluster cluster, string[] ids, string prefix)
    {
        // The clerks and the silos' output readers share this process's thread pool, which on 2 cores starts with 2
        // threads and adds about one a second once they are busy: no write of theirs may wait for that.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
        var host = await ClusterClientHost.ConnectAsync(cluster, TestRedis.ConnectionString, SetupTimeout);
        var grains = host.Client();
        var group = $"{prefix}-{Guid.NewGuid():N}"[..14];
        using (var setup = new CancellationTokenSource(SetupTimeout))
        {
            await KeyValueClient.CreateGroupAsync(grains, group, ids, setup.Token);
        }

        var states = await SpreadAsync(cluster, grains, group, ids, "start-up");
        Log($"group {group} ({ids.Length} peers): {RaftGroupProbe.Describe(cluster, states)}");
        var workload = new KvWorkload(grains, group, ids, clerks: 3, _clock);
        workload.Start();
        await workload.WaitForWritesAsync(50, SetupTimeout);
        return (host, group, workload, states);
    }

    /// <summary>The silos in the order to fault them: the leader's first, then the others.</summary>
    private static List<SiloProcess> InTurn(SiloProcessCluster cluster, IReadOnlyList<(string Peer, PeerState? State)> states)
    {
        var live = cluster.Silos.Where(s => !s.Process.HasExited).ToList();
        var leader = states.Where(s => s.State is { IsLeader: true }).Select(s => RaftGroupProbe.SiloOf(cluster, s.State!)).FirstOrDefault();
        return [.. live.OrderBy(s => s == leader ? 0 : 1)];
    }

    /// <summary>
    /// A silo that the cluster declared dead while it was paused ends itself when it resumes (Orleans' FailFast, exit
    /// 134): wait until it is either back in the membership as active or gone, and when gone start another, as a
    /// supervisor would.
    /// </summary>
    private async Task ReplaceIfDeclaredDeadAsync(SiloProcessCluster cluster, IGrainFactory grains, SiloProcess silo)
    {
        var deadline = _clock.Elapsed + RecoveryTimeout;
        var management = grains.GetGrain<IManagementGrain>(0);
        while (!silo.Process.HasExited)
        {
            Assert.True(_clock.Elapsed < deadline, $"{silo.Process.Name} neither rejoined nor ended within {RecoveryTimeout.TotalSeconds:0} s of its resume");
            try
            {
                // Through whichever gateway the client picks, which may be a silent one: bounded, and asked again.
                var hosts = await management.GetHosts(onlyActive: false).WaitAsync(TimeSpan.FromSeconds(2));
                if (hosts.Any(h => h.Key.Endpoint.Port == silo.SiloPort && h.Value == SiloStatus.Active))
                {
                    return;
                }
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception))
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Log($"{silo.Process.Name} exited with {await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(1))} after its pause (declared dead meanwhile); starting another");
        await cluster.StartSiloAsync();
    }

    /// <summary>
    /// Waits until the group has healed: every peer answers, one leads, all are caught up, and they are as spread
    /// over the live silos as they can be, twice in a row a second apart (no peer still on the move). Only then is
    /// the next fault a single fault.
    /// </summary>
    private async Task<IReadOnlyList<(string Peer, PeerState? State)>> SpreadAsync(SiloProcessCluster cluster, IGrainFactory grains, string group, string[] ids, string after)
    {
        var deadline = _clock.Elapsed + RecoveryTimeout;
        string? healed = null;
        while (true)
        {
            var states = await RaftGroupProbe.StatesAsync(grains, group, ids, TimeSpan.FromSeconds(2));
            var silos = states.Select(s => s.State is { } state ? RaftGroupProbe.SiloOf(cluster, state) : null).ToList();
            var live = cluster.Silos.Count(s => !s.Process.HasExited);
            var perSilo = silos.Where(s => s is not null).GroupBy(s => s).Select(g => g.Count()).ToList();
            var spread = silos.All(s => s is { Process.HasExited: false }) && perSilo.Max() <= (ids.Length + live - 1) / live && perSilo.Count == Math.Min(ids.Length, live);
            var commits = states.Select(s => s.State?.CommitIndex ?? 0).ToList();
            var caughtUp = commits.Max() - commits.Min() <= 1000;
            var layout = string.Join(",", states.Select(s => s.State?.Silo));
            if (spread && caughtUp && states.Any(s => s.State is { IsLeader: true }))
            {
                if (layout == healed)
                {
                    return states;
                }

                healed = layout;
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }

            healed = null;
            Assert.True(_clock.Elapsed < deadline, $"after {after}, the group did not heal (caught up, spread over the silos) within {RecoveryTimeout.TotalSeconds:0} s: {RaftGroupProbe.Describe(cluster, states)}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private void Record(string fault, SiloProcess victim, TimeSpan at, (TimeSpan Gap, TimeSpan Start) longest, IReadOnlyList<(string Peer, PeerState? State)> states, SiloProcessCluster cluster)
    {
        // The time this process itself did not run within the gap is the observer's, not the cluster's.
        var stalled = _observer!.Within(longest.Start, longest.Start + longest.Gap);
        _gaps.Add(($"{fault} of {victim.Process.Name}", longest.Gap - stalled));
        var line = $"{fault} of {victim.Process.Name}: longest time without a completed write {Seconds(longest.Gap)}"
            + (stalled > TimeSpan.Zero ? $" (this test process itself stalled {Seconds(stalled)} of it)" : string.Empty)
            + $", from {Seconds(longest.Start - at)} after the fault ({DateTime.UtcNow - (_clock.Elapsed - longest.Start):HH:mm:ss.fff}); then {RaftGroupProbe.Describe(cluster, states)}";
        _report.Add(line);
        Log(line);
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.00} s");

    private void Log(string message) => log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {message}");
}
