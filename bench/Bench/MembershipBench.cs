using System.Collections.Concurrent;
using System.Diagnostics;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Bench;

/// <summary>
/// Issue 26's figures: what a planned leadership transfer costs writers against the election it replaces, and what a
/// 3 → 5 → 3 cycle of membership changes costs them. The cost is the write gap: the longest time without a commit
/// from the event's start until writes flow again, with closed-loop writers on the group all along.
/// </summary>
internal static class MembershipBench
{
    public static async Task RunAsync(string[] args)
    {
        var trials = Load.ArgInt(args, "--trials", 20);
        var writers = Load.ArgInt(args, "--writers", 64);
        var cycles = Load.ArgInt(args, "--cycles", 3);
        await using var cluster = await RaftBenchCluster.StartAsync(3, RaftStorage.Sqlite);

        Console.WriteLine($"### 3d. Write gap of a planned transfer and of an election ({trials} of each, alternating; {writers} closed-loop writers of 16 B; 3 peers, SQLite; tick 50 ms, election timeout 10–20 ticks)");
        Console.WriteLine();
        Console.WriteLine("| event | events | median gap ms | p90 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var group = new RaftGroup(cluster.Grains, $"gap-{Guid.NewGuid():N}"[..12], 3);
        await group.StartAsync();
        var transfers = new List<double>();
        var elections = new List<double>();
        await using (var load = Writers.Start(group, writers))
        {
            await Task.Delay(2000);
            for (var t = 0; t < trials; t++)
            {
                var (leader, term) = await group.FindLeaderAsync(TimeSpan.FromSeconds(10));
                var started = load.Now;
                if (await group.Peer(leader).TransferLeadershipAsync(null))
                {
                    await group.FindLeaderAsync(TimeSpan.FromSeconds(10), aboveTerm: term, pollMs: 1);
                    transfers.Add(await load.GapAfterAsync(started));
                }

                // The crashed leader's next call restarts it from storage as a follower, which sends writers on with
                // a hint: the gap is the election's, not a client's timeout against a peer that never answers.
                (leader, term) = await group.FindLeaderAsync(TimeSpan.FromSeconds(10));
                started = load.Now;
                await group.Peer(leader).CrashAsync();
                await group.FindLeaderAsync(TimeSpan.FromSeconds(10), aboveTerm: term, pollMs: 1);
                elections.Add(await load.GapAfterAsync(started));
                await Task.Delay(300);
            }
        }

        Row("planned transfer", transfers);
        Row("leader crash (election)", elections);

        Console.WriteLine();
        Console.WriteLine($"### 3e. A 3 → 5 → 3 cycle under writes ({cycles} cycles; {writers} closed-loop writers; each step one `ChangeMembershipAsync`: add a voter (learner, caught up, promoted), then remove it)");
        Console.WriteLine();
        Console.WriteLine("| step | steps | median ms to done | max ms | median write gap ms | max write gap ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var shape = new RaftGroup(cluster.Grains, $"shape-{Guid.NewGuid():N}"[..14], 3);
        await shape.StartAsync();
        var steps = new Dictionary<string, (List<double> Took, List<double> Gap)>
        {
            ["add voter (3 → 4 → 5)"] = ([], []),
            ["remove voter (5 → 4 → 3)"] = ([], []),
        };
        await using (var load = Writers.Start(shape, writers))
        {
            await Task.Delay(2000);
            for (var c = 0; c < cycles; c++)
            {
                // A removed peer's id is never used again: each cycle adds new names.
                var added = new[] { $"p{3 + (2 * c)}", $"p{4 + (2 * c)}" };
                foreach (var peer in added)
                {
                    await StepAsync(shape, load, MembershipChange.AddVoter(peer), steps["add voter (3 → 4 → 5)"]);
                }

                foreach (var peer in added)
                {
                    await StepAsync(shape, load, MembershipChange.Remove(peer), steps["remove voter (5 → 4 → 3)"]);
                }
            }
        }

        foreach (var (step, (took, gap)) in steps)
        {
            took.Sort();
            gap.Sort();
            Console.WriteLine($"| {step} | {took.Count} | {Load.F(Pct(took, 0.5), "0")} | {Load.F(took[^1], "0")} | {Load.F(Pct(gap, 0.5), "0")} | {Load.F(gap[^1], "0")} |");
        }

        Console.WriteLine();
    }

    private static async Task StepAsync(RaftGroup group, Writers load, MembershipChange change, (List<double> Took, List<double> Gap) into)
    {
        var clock = Stopwatch.StartNew();
        var started = load.Now;
        while (true)
        {
            var leader = await LeaderAsync(group);
            try
            {
                await leader.ChangeMembershipAsync(change, TimeSpan.FromSeconds(20));
                break;
            }
            catch (NotLeaderException)
            {
                // Deposed between the two calls: nothing appended; ask the next leader.
            }
        }

        into.Took.Add(clock.Elapsed.TotalMilliseconds);
        into.Gap.Add(await load.GapAfterAsync(started));
    }

    /// <summary>The leader of the group whatever its members' names: the founders name it, or the successors they name do.</summary>
    private static async Task<IRaftPeerGrain> LeaderAsync(RaftGroup group)
    {
        for (var round = 0; round < 1000; round++)
        {
            var state = await group.Peer(0).GetStateAsync();
            var members = state.Membership?.Members ?? [];
            foreach (var member in members)
            {
                var peer = group.Grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group.Name, member));
                if ((await peer.GetStateAsync()).IsLeader)
                {
                    return peer;
                }
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"no leader in group {group.Name}");
    }

    private static void Row(string name, List<double> gaps)
    {
        gaps.Sort();
        Console.WriteLine(gaps.Count == 0
            ? $"| {name} | 0 | - | - | - | - |"
            : $"| {name} | {gaps.Count} | {Load.F(Pct(gaps, 0.5), "0")} | {Load.F(Pct(gaps, 0.9), "0")} | {Load.F(Pct(gaps, 0.99), "0")} | {Load.F(gaps[^1], "0")} |");
    }

    private static double Pct(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    /// <summary>Closed-loop writers that note when each of their commands committed.</summary>
    private sealed class Writers : IAsyncDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<long> _commits = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task[] _loops;

        private Writers(RaftGroup group, int writers)
        {
            var command = new byte[16];
            _loops = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    bool ok;
                    try
                    {
                        ok = await group.ProposeAsync(command);
                    }
                    catch (Exception)
                    {
                        ok = false;
                    }

                    if (ok)
                    {
                        _commits.Enqueue(_clock.ElapsedTicks);
                    }
                    else
                    {
                        await Task.Delay(5);
                    }
                }
            }))];
        }

        /// <summary>Now, on the clock of the commit times.</summary>
        public long Now => _clock.ElapsedTicks;

        public static Writers Start(RaftGroup group, int writers) => new(group, writers);

        /// <summary>
        /// The longest time without a commit from <paramref name="started"/> until commits have flowed for a second
        /// again (at most 10 s after it), in milliseconds.
        /// </summary>
        public async Task<double> GapAfterAsync(long started)
        {
            var second = Stopwatch.Frequency;
            while (!_commits.Any(t => t > started + second) && _clock.ElapsedTicks < started + (10 * second))
            {
                await Task.Delay(50);
            }

            await Task.Delay(1000);
            var times = _commits.Where(t => t > started).Order().ToList();
            var gap = 0L;
            var previous = started;
            foreach (var t in times)
            {
                gap = Math.Max(gap, t - previous);
                previous = t;
            }

            // Writes that never resumed count up to now.
            gap = Math.Max(gap, _clock.ElapsedTicks - previous);

            while (_commits.TryPeek(out var oldest) && oldest < started)
            {
                _commits.TryDequeue(out _);
            }

            return gap * 1000.0 / second;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            _stop.Dispose();
        }
    }
}
