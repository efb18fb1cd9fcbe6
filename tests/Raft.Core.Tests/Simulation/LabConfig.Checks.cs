namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>The lab's checkers (§2.3 of the catalogue), in virtual time.</summary>
public sealed partial class LabConfig
{
    /// <summary>Result of the last <see cref="End"/>.</summary>
    public ScenarioResult? Result { get; private set; }

    public void Begin(string description)
    {
        _testName = description;
        Log($"Test: {description} (seed {Seed}) ...");
        _t0 = Sim.Now;
        _rpcs0 = RpcTotal;
        _bytes0 = BytesTotal;
        _maxIndex0 = MaxIndex;
    }

    public ScenarioResult End()
    {
        CheckTimeout();
        Result = new ScenarioResult(
            _testName, (Sim.Now - _t0) / 1000.0, N, RpcTotal - _rpcs0, BytesTotal - _bytes0, MaxIndex - _maxIndex0, InjectedCrashes);
        Log($"  ... Passed --  {Result.Seconds:F1}  {N}  {Result.Rpcs}  {Result.Bytes}  {Result.Commits}" +
            $"   ({Sim.Events} events, {InvariantChecks} invariant checks)");
        return Result;
    }

    private void CheckTimeout()
    {
        if (Sim.Now - _t0 > LabTiming.TestTimeLimitMs)
        {
            throw Fail("test took longer than 120 seconds");
        }
    }

    /// <summary>time.Sleep in virtual time: runs the simulation for <paramref name="ms"/>.</summary>
    public void Sleep(long ms)
    {
        Sim.RunUntil(Sim.Now + ms);
        CheckTimeout();
    }

    /// <summary>Runs a coroutine to completion (the main test "goroutine" waiting on it).</summary>
    public void Run(IEnumerable<long> coroutine)
    {
        var handle = Sim.Spawn(coroutine);
        Sim.RunWhile(() => !handle.Done && Sim.Now - _t0 <= LabTiming.TestTimeLimitMs + 1);
        CheckTimeout();
        if (!handle.Done)
        {
            throw Fail("coroutine did not finish (event queue empty)");
        }
    }

    /// <summary>Waits until every coroutine handle is done.</summary>
    public void WaitAll(IEnumerable<CoroutineHandle> handles)
    {
        var list = handles.ToList();
        Sim.RunWhile(() => list.Any(h => !h.Done) && Sim.Now - _t0 <= LabTiming.TestTimeLimitMs + 1);
        CheckTimeout();
    }

    /// <summary>checkOneLeader: up to 10 polls 450–550 ms apart; two leaders in a term is fatal.</summary>
    public int CheckOneLeader()
    {
        for (var iters = 0; iters < 10; iters++)
        {
            Sleep(450 + _rng.Next(100));
            var leaders = new Dictionary<long, List<int>>();
            for (var i = 0; i < N; i++)
            {
                if (Servers[i].Connected && IsAlive(i))
                {
                    var (term, isLeader) = GetState(i);
                    if (isLeader)
                    {
                        if (!leaders.TryGetValue(term, out var list))
                        {
                            leaders[term] = list = [];
                        }

                        list.Add(i);
                    }
                }
            }

            var lastTermWithLeader = -1L;
            foreach (var (term, list) in leaders)
            {
                if (list.Count > 1)
                {
                    throw Fail($"term {term} has {list.Count} (>1) leaders");
                }

                lastTermWithLeader = Math.Max(lastTermWithLeader, term);
            }

            if (leaders.Count != 0)
            {
                return leaders[lastTermWithLeader][0];
            }
        }

        throw Fail("expected one leader, got none");
    }

    /// <summary>checkTerms: every connected server reports the same term.</summary>
    public long CheckTerms()
    {
        var term = -1L;
        for (var i = 0; i < N; i++)
        {
            if (Servers[i].Connected && IsAlive(i))
            {
                var (t, _) = GetState(i);
                if (term == -1)
                {
                    term = t;
                }
                else if (term != t)
                {
                    throw Fail("servers disagree on term");
                }
            }
        }

        return term;
    }

    /// <summary>checkNoLeader: no connected server claims leadership.</summary>
    public void CheckNoLeader()
    {
        for (var i = 0; i < N; i++)
        {
            if (Servers[i].Connected && IsAlive(i) && GetState(i).IsLeader)
            {
                throw Fail($"expected no leader among connected servers, but {i} claims to be leader");
            }
        }
    }

    /// <summary>nCommitted: how many servers' histories hold <paramref name="index"/>, and the value.</summary>
    public (int Count, string? Command) NCommitted(long index)
    {
        var count = 0;
        string? cmd = null;
        for (var i = 0; i < N; i++)
        {
            if (_logs[i].TryGetValue(index, out var v))
            {
                if (count > 0 && cmd != v)
                {
                    throw Fail($"committed values do not match: index {index}, {Short(cmd!)}, {Short(v)}");
                }

                count++;
                cmd = v;
            }
        }

        return (count, cmd);
    }

    /// <summary>wait: poll nCommitted with doubling sleeps; -1 if some server moved past startTerm.</summary>
    public string? Wait(long index, int n, long startTerm)
    {
        var to = 10L;
        for (var iters = 0; iters < 30; iters++)
        {
            var (nd, _) = NCommitted(index);
            if (nd >= n)
            {
                break;
            }

            Sleep(to);
            if (to < 1000)
            {
                to *= 2;
            }

            if (startTerm > -1)
            {
                for (var i = 0; i < N; i++)
                {
                    if (IsAlive(i) && GetState(i).Term > startTerm)
                    {
                        return null;
                    }
                }
            }
        }

        var (count, cmd) = NCommitted(index);
        if (count < n)
        {
            throw Fail($"only {count} decided for index {index}; wanted {n}");
        }

        return cmd;
    }

    /// <summary>one(cmd, expectedServers, retry): submit to a leader and wait for agreement (synchronous).</summary>
    public long One(string cmd, int expectedServers, bool retry)
    {
        var result = new long[1];
        Run(OneCo(cmd, expectedServers, retry, result));
        return result[0];
    }

    public long One(long cmd, int expectedServers, bool retry) => One(Cmd(cmd), expectedServers, retry);

    /// <summary>one() as a coroutine, for the tests that run several concurrently.</summary>
    public IEnumerable<long> OneCo(string cmd, int expectedServers, bool retry, long[] result)
    {
        var t0 = Sim.Now;
        var starts = 0;
        while (Sim.Now - t0 < 10_000)
        {
            var index = -1L;
            for (var si = 0; si < N; si++)
            {
                starts = (starts + 1) % N;
                if (Servers[starts].Connected && IsAlive(starts))
                {
                    var (idx, _, ok) = Start(starts, cmd);
                    if (ok)
                    {
                        index = idx;
                        break;
                    }
                }
            }

            if (index != -1)
            {
                var t1 = Sim.Now;
                while (Sim.Now - t1 < 2_000)
                {
                    var (nd, cmd1) = NCommitted(index);
                    if (nd > 0 && nd >= expectedServers && cmd1 == cmd)
                    {
                        result[0] = index;
                        yield break;
                    }

                    yield return 20;
                }

                if (!retry)
                {
                    throw Fail($"one({Short(cmd)}) failed to reach agreement");
                }
            }
            else
            {
                yield return 50;
            }
        }

        throw Fail($"one({Short(cmd)}) failed to reach agreement");
    }

    /// <summary>Largest persisted raft state (hard state + log, not the snapshot) over all servers.</summary>
    public long MaxRaftStateSize() => Servers.Max(RaftStateSize);
}
