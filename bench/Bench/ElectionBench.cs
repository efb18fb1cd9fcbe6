using System.Diagnostics;

namespace RaftOrleans.Bench;

/// <summary>
/// Table 3: time from leader loss to a new leader (3 and 5 peers), from a leadership transfer's request to the
/// successor leading, and throughput/latency with one follower crashed
/// next to all healthy, on the same SQLite cluster in the same run; DotNext with one follower stopped for reference.
/// A crash is <c>CrashAsync</c> (activation and volatile state dropped) plus every Raft message to or from the peer
/// dropped by an outgoing call filter, so nothing reactivates it until it is revived.
/// </summary>
internal static class ElectionBench
{
    public static async Task RunAsync(string[] args)
    {
        var trials = Load.ArgInt(args, "--trials", 50);
        var seconds = Load.ArgInt(args, "--seconds", 2);
        Load.Duration = TimeSpan.FromSeconds(seconds);
        var proposers = RaftBench.Ints(Load.ArgString(args, "--proposers") ?? "64,256");
        await using var cluster = await RaftBenchCluster.StartAsync(3, RaftStorage.Sqlite);
        var probe = new RaftGroup(cluster.Grains, $"probe-{Guid.NewGuid():N}"[..14], 3);
        await probe.StartAsync();
        RaftGroup.UseExecute = await probe.ExecuteWorksAsync(TimeSpan.FromSeconds(3));

        Console.WriteLine($"### 3a. Election: leader loss to new leader ({trials} trials per size; tick 50 ms, election timeout 10–20 ticks, pre-vote and check-quorum on; SQLite storage)");
        Console.WriteLine();
        Console.WriteLine("| peers | trials | median ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var peers in new[] { 3, 5 })
        {
            var group = new RaftGroup(cluster.Grains, $"elect{peers}-{Guid.NewGuid():N}"[..16], peers);
            await group.StartAsync();
            var times = new List<double>();
            for (var t = 0; t < trials; t++)
            {
                var (leader, term) = await group.FindLeaderAsync(TimeSpan.FromSeconds(10));
                DropFilter.Dead[group.PeerKey(leader)] = true;
                var clock = Stopwatch.StartNew();
                await group.Peer(leader).CrashAsync();
                await group.FindLeaderAsync(TimeSpan.FromSeconds(10), aboveTerm: term, exclude: leader, pollMs: 2);
                times.Add(clock.Elapsed.TotalMilliseconds);
                DropFilter.Dead.TryRemove(group.PeerKey(leader), out _);
                await group.Peer(leader).GetStateAsync(); // restarts it from storage; it rejoins as a follower
                await Task.Delay(150);
            }

            times.Sort();
            Console.WriteLine($"| {peers} | {trials} | {Load.F(Pct(times, 0.5), "0")} | {Load.F(Pct(times, 0.9), "0")} | {Load.F(Pct(times, 0.99), "0")} | {Load.F(times[^1], "0")} |");
        }

        Console.WriteLine();
        Console.WriteLine($"### 3b. Degraded mode: one follower crashed next to all healthy (16 B commands, same cluster and run; {Rounds} alternating rounds of {seconds} s each side, the median round shown)");
        Console.WriteLine();
        Console.WriteLine("| system | peers | proposers | healthy commits/s | healthy p99 ms | one follower down commits/s | down p99 ms | throughput ratio (≥ 0.8) | p99 ratio (≤ 1.25) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var command = new byte[16];
        foreach (var peers in new[] { 3, 5 })
        {
            var group = new RaftGroup(cluster.Grains, $"degr{peers}-{Guid.NewGuid():N}"[..16], peers);
            await group.StartAsync();
            foreach (var n in proposers)
            {
                // Healthy and degraded cells alternate (3 rounds each, medians), so slow drifts of the shared machine
                // hit both sides alike.
                var healthy = new List<LoadResult>();
                var down = new List<LoadResult>();
                for (var round = 0; round < Rounds; round++)
                {
                    var (leader, _) = await group.FindLeaderAsync(TimeSpan.FromSeconds(10));
                    healthy.Add(await Load.RunAsync(n, _ => group.ProposeAsync(command)));
                    var follower = (leader + 1) % peers;
                    DropFilter.Dead[group.PeerKey(follower)] = true;
                    await group.Peer(follower).CrashAsync();
                    down.Add(await Load.RunAsync(n, _ => group.ProposeAsync(command)));
                    DropFilter.Dead.TryRemove(group.PeerKey(follower), out _);
                    await group.Peer(follower).GetStateAsync();
                    await Task.Delay(500);
                }

                Row("orleans-raft (SQLite)", peers, Median(healthy), Median(down));
            }
        }

        // DotNext: one round per side at 64 proposers on a fresh group (a stopped member cannot be restarted in place,
        // and its WriteAheadLog keeps a memory-mapped file per 4 KiB page until a snapshot, which this state machine
        // never takes: longer or 256-proposer runs exhaust the process's 20,000 file handles and every write then
        // fails with IOException).
        await using (var dotnext = await DotNextGroup.StartAsync(3))
        {
            Task<bool> Replicate(int _) => dotnext.ReplicateAsync(command);
            var healthy = await Load.RunAsync(64, Replicate);
            var leaderIndex = await dotnext.LeaderAsync(TimeSpan.FromSeconds(10));
            await dotnext.StopAsync((leaderIndex + 1) % 3);
            Row("dotnext (WAL)", 3, healthy, await Load.RunAsync(64, Replicate));
        }

        Console.WriteLine();
        Console.WriteLine($"### 3c. Leadership transfer: leader asked to hand over to the follower after it, to that follower leading ({trials} trials per size; same cluster, thesis §3.10)");
        Console.WriteLine();
        Console.WriteLine("| peers | transfers | median ms | p90 ms | p99 ms | max ms | term steps |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var peers in new[] { 3, 5 })
        {
            var group = new RaftGroup(cluster.Grains, $"xfer{peers}-{Guid.NewGuid():N}"[..16], peers);
            await group.StartAsync();
            var times = new List<double>();
            var steps = new List<long>();
            var lapsed = new List<string>();
            for (var t = 0; t < trials; t++)
            {
                var (leader, term) = await group.FindLeaderAsync(TimeSpan.FromSeconds(10));
                var target = (leader + 1) % peers;
                var clock = Stopwatch.StartNew();
                if (!await group.Peer(leader).TransferLeadershipAsync($"p{target}"))
                {
                    continue;
                }

                try
                {
                    // A transfer lapses after an election timeout (0.5-1 s here); 3 s is well past it.
                    var (now, newTerm) = await group.FindLeaderAsync(TimeSpan.FromSeconds(3), aboveTerm: term, pollMs: 1);
                    times.Add(clock.Elapsed.TotalMilliseconds);
                    steps.Add(now == target ? newTerm - term : -1);
                }
                catch (TimeoutException)
                {
                    lapsed.Add(string.Join(" ", await Task.WhenAll(Enumerable.Range(0, peers).Select(async i =>
                        (await group.Peer(i).GetStateAsync()) is var s ? $"p{i}:t{s.Term}{(s.IsLeader ? "L" : string.Empty)}/c{s.CommitIndex}/l{s.LastIndex}" : string.Empty))));
                }

                await Task.Delay(50);
            }

            times.Sort();
            var termSteps = string.Join(" ", steps.GroupBy(s => s).OrderBy(g => g.Key).Select(g => g.Key < 0 ? $"{g.Count()}× another leader" : $"{g.Count()}× +{g.Key}"));
            if (lapsed.Count > 0)
            {
                termSteps += $"; {lapsed.Count} lapsed (first: {lapsed[0]})";
            }

            Console.WriteLine($"| {peers} | {times.Count} | {Load.F(Pct(times, 0.5), "0")} | {Load.F(Pct(times, 0.9), "0")} | {Load.F(Pct(times, 0.99), "0")} | {(times.Count == 0 ? "-" : Load.F(times[^1], "0"))} | {termSteps} |");
        }

        Console.WriteLine();
        if (!RaftGroup.UseExecute)
        {
            Console.WriteLine("(orleans-raft rows use StartAsync + the commit watcher, as in table 1.)");
            Console.WriteLine();
        }
    }

    private static void Row(string system, int peers, LoadResult healthy, LoadResult down)
    {
        var rate = down.OpsPerSecond / healthy.OpsPerSecond;
        var p99 = down.P99Ms / healthy.P99Ms;
        var failures = down.FailureKinds.Length == 0 ? string.Empty : $" (failures: {down.FailureKinds})";
        Console.WriteLine($"| {system} | {peers} | {healthy.Callers} | {healthy.Rate} | {healthy.P99} | {down.Rate}{failures} | {down.P99} | {Load.F(rate)} {(rate >= 0.8 ? "met" : "not met")} | {Load.F(p99)} {(p99 <= 1.25 ? "met" : "not met")} |");
    }

    private const int Rounds = 3;

    /// <summary>The round with the median throughput; its p99 comes with it.</summary>
    private static LoadResult Median(List<LoadResult> rounds) => rounds.OrderBy(r => r.OpsPerSecond).ElementAt(rounds.Count / 2);

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
