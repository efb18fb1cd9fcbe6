using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

public static partial class Scenarios
{
    public static ScenarioResult Persist12C(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2C): basic persistence");
        cfg.One(11, servers, true);

        // crash and re-start all
        for (var i = 0; i < servers; i++)
        {
            cfg.Start1(i);
        }

        for (var i = 0; i < servers; i++)
        {
            cfg.Disconnect(i);
            cfg.Connect(i);
        }

        cfg.One(12, servers, true);

        var leader1 = cfg.CheckOneLeader();
        cfg.Disconnect(leader1);
        cfg.Start1(leader1);
        cfg.Connect(leader1);
        cfg.One(13, servers, true);

        var leader2 = cfg.CheckOneLeader();
        cfg.Disconnect(leader2);
        cfg.One(14, servers - 1, true);
        cfg.Start1(leader2);
        cfg.Connect(leader2);

        // wait for leader2 to join before killing i3
        cfg.Wait(4, servers, -1);

        var i3 = (cfg.CheckOneLeader() + 1) % servers;
        cfg.Disconnect(i3);
        cfg.One(15, servers - 1, true);
        cfg.Start1(i3);
        cfg.Connect(i3);
        cfg.One(16, servers, true);
        return cfg.End();
    }

    public static ScenarioResult Persist22C(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2C): more persistence");
        var index = 1;
        for (var iters = 0; iters < 5; iters++)
        {
            cfg.One(10 + index, servers, true);
            index++;

            var leader1 = cfg.CheckOneLeader();
            cfg.Disconnect((leader1 + 1) % servers);
            cfg.Disconnect((leader1 + 2) % servers);

            cfg.One(10 + index, servers - 2, true);
            index++;

            cfg.Disconnect((leader1 + 0) % servers);
            cfg.Disconnect((leader1 + 3) % servers);
            cfg.Disconnect((leader1 + 4) % servers);

            cfg.Start1((leader1 + 1) % servers);
            cfg.Start1((leader1 + 2) % servers);
            cfg.Connect((leader1 + 1) % servers);
            cfg.Connect((leader1 + 2) % servers);

            cfg.Sleep(LabTiming.RaftElectionTimeoutMs);

            cfg.Start1((leader1 + 3) % servers);
            cfg.Connect((leader1 + 3) % servers);

            cfg.One(10 + index, servers - 2, true);
            index++;

            cfg.Connect((leader1 + 4) % servers);
            cfg.Connect((leader1 + 0) % servers);
        }

        cfg.One(1000, servers, true);
        return cfg.End();
    }

    public static ScenarioResult Persist32C(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2C): partitioned leader and one follower crash, leader restarts");
        cfg.One(101, 3, true);

        var leader = cfg.CheckOneLeader();
        cfg.Disconnect((leader + 2) % servers);

        cfg.One(102, 2, true);

        cfg.Crash1((leader + 0) % servers);
        cfg.Crash1((leader + 1) % servers);
        cfg.Connect((leader + 2) % servers);
        cfg.Start1((leader + 0) % servers);
        cfg.Connect((leader + 0) % servers);

        cfg.One(103, 2, true);

        cfg.Start1((leader + 1) % servers);
        cfg.Connect((leader + 1) % servers);

        cfg.One(104, servers, true);
        return cfg.End();
    }

    /// <summary>
    /// Figure 8 of the paper: leaders crash right after proposing, so entries of old terms sit on a minority;
    /// only entries of the current term may be committed by counting replicas (§5.4.2).
    /// </summary>
    public static ScenarioResult Figure82C(LabConfig cfg)
    {
        var servers = cfg.N;
        var rand = cfg.Rand;
        cfg.Begin("Test (2C): Figure 8");
        cfg.One(rand.Next(), 1, true);

        var nup = servers;
        for (var iters = 0; iters < 1000; iters++)
        {
            var leader = -1;
            for (var i = 0; i < servers; i++)
            {
                if (cfg.IsAlive(i))
                {
                    var (_, _, ok) = cfg.Start(i, LabConfig.Cmd(rand.Next()));
                    if (ok)
                    {
                        leader = i;
                    }
                }
            }

            if (rand.Next(1000) < 100)
            {
                cfg.Sleep(rand.NextInt64(LabTiming.RaftElectionTimeoutMs / 2));
            }
            else
            {
                cfg.Sleep(rand.NextInt64(13));
            }

            if (leader != -1)
            {
                cfg.Crash1(leader);
                nup--;
            }

            if (nup < 3)
            {
                var s = rand.Next(servers);
                if (!cfg.IsAlive(s))
                {
                    cfg.Start1(s);
                    cfg.Connect(s);
                    nup++;
                }
            }
        }

        for (var i = 0; i < servers; i++)
        {
            if (!cfg.IsAlive(i))
            {
                cfg.Start1(i);
                cfg.Connect(i);
            }
        }

        cfg.One(rand.Next(), servers, true);
        return cfg.End();
    }

    public static ScenarioResult UnreliableAgree2C(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2C): unreliable agreement");
        var handles = new List<CoroutineHandle>();
        for (var iters = 1; iters < 50; iters++)
        {
            for (var j = 0; j < 4; j++)
            {
                handles.Add(cfg.Sim.Spawn(cfg.OneCo(LabConfig.Cmd((100 * iters) + j), 1, true, new long[1])));
            }

            cfg.One(iters, 1, true);
        }

        cfg.Unreliable = false;
        cfg.WaitAll(handles);
        if (handles.Any(h => !h.Done))
        {
            throw cfg.Fail("concurrent one() did not finish");
        }

        cfg.One(100, servers, true);
        return cfg.End();
    }

    public static ScenarioResult Figure8Unreliable2C(LabConfig cfg)
    {
        var servers = cfg.N;
        var rand = cfg.Rand;
        cfg.Begin("Test (2C): Figure 8 (unreliable)");
        cfg.One(rand.Next() % 10000, 1, true);

        var nup = servers;
        for (var iters = 0; iters < 1000; iters++)
        {
            if (iters == 200)
            {
                cfg.LongReordering = true;
            }

            var leader = -1;
            for (var i = 0; i < servers; i++)
            {
                var (_, _, ok) = cfg.Start(i, LabConfig.Cmd(rand.Next() % 10000));
                if (ok && cfg.Servers[i].Connected)
                {
                    leader = i;
                }
            }

            if (rand.Next(1000) < 100)
            {
                cfg.Sleep(rand.NextInt64(LabTiming.RaftElectionTimeoutMs / 2));
            }
            else
            {
                cfg.Sleep(rand.NextInt64(13));
            }

            if (leader != -1 && rand.Next(1000) < LabTiming.RaftElectionTimeoutMs / 2)
            {
                cfg.Disconnect(leader);
                nup--;
            }

            if (nup < 3)
            {
                var s = rand.Next(servers);
                if (!cfg.Servers[s].Connected)
                {
                    cfg.Connect(s);
                    nup++;
                }
            }
        }

        for (var i = 0; i < servers; i++)
        {
            if (!cfg.Servers[i].Connected)
            {
                cfg.Connect(i);
            }
        }

        cfg.One(rand.Next() % 10000, servers, true);
        return cfg.End();
    }

    /// <summary>internalChurn: clients submit to everyone while servers are disconnected, crashed and restarted.</summary>
    public static ScenarioResult Churn(LabConfig cfg, string name)
    {
        var servers = cfg.N;
        var rand = cfg.Rand;
        cfg.Begin(name);
        var stop = new bool[1];
        const int ncli = 3;
        var values = new List<string>[ncli];
        var handles = new List<CoroutineHandle>();
        for (var i = 0; i < ncli; i++)
        {
            values[i] = [];
            handles.Add(cfg.Sim.Spawn(ChurnClient(cfg, i, stop, values[i], cfg.Rand)));
        }

        for (var iters = 0; iters < 20; iters++)
        {
            if (rand.Next(1000) < 200)
            {
                cfg.Disconnect(rand.Next(servers));
            }

            if (rand.Next(1000) < 500)
            {
                var i = rand.Next(servers);
                if (!cfg.IsAlive(i))
                {
                    cfg.Start1(i);
                }

                cfg.Connect(i);
            }

            if (rand.Next(1000) < 200)
            {
                var i = rand.Next(servers);
                if (cfg.IsAlive(i))
                {
                    cfg.Crash1(i);
                }
            }

            // Make crash/restart infrequent enough that the peers can often keep up, but not so infrequent
            // that everything has settled down from one change to the next.
            cfg.Sleep(LabTiming.RaftElectionTimeoutMs * 7 / 10);
        }

        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        cfg.Unreliable = false;
        for (var i = 0; i < servers; i++)
        {
            if (!cfg.IsAlive(i))
            {
                cfg.Start1(i);
            }

            cfg.Connect(i);
        }

        stop[0] = true;
        cfg.WaitAll(handles);
        if (handles.Any(h => !h.Done))
        {
            throw cfg.Fail("client failed");
        }

        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        var lastIndex = cfg.One(rand.Next(), servers, true);
        var really = new HashSet<string>();
        for (long index = 1; index <= lastIndex; index++)
        {
            var v = cfg.Wait(index, servers, -1) ?? throw cfg.Fail($"no value at {index}");
            really.Add(v);
        }

        var seen = values.SelectMany(v => v).ToList();
        foreach (var v1 in seen)
        {
            if (!really.Contains(v1))
            {
                throw cfg.Fail($"didn't find a value {v1}");
            }
        }

        cfg.Log($"churn: {seen.Count} client-observed commits, final log {lastIndex} entries");
        return cfg.End();
    }

    /// <summary>
    /// The churn tests' client: submits a random command to every live server, and records it in
    /// <paramref name="values"/> if it shows up committed at the index a leader gave it. Also the soak's client.
    /// </summary>
    internal static IEnumerable<long> ChurnClient(LabConfig cfg, int me, bool[] stop, List<string> values, Random random)
    {
        var servers = cfg.N;
        while (!stop[0])
        {
            var x = LabConfig.Cmd(random.Next());
            var index = -1L;
            var ok = false;
            for (var i = 0; i < servers; i++)
            {
                if (cfg.IsAlive(i))
                {
                    var (index1, _, ok1) = cfg.Start(i, x);
                    if (ok1)
                    {
                        ok = true;
                        index = index1;
                    }
                }
            }

            if (ok)
            {
                // maybe leader will commit our value, maybe not. but don't wait forever.
                foreach (var to in new long[] { 10, 20, 50, 100, 200 })
                {
                    var (nd, cmd) = cfg.NCommitted(index);
                    if (nd > 0)
                    {
                        if (cmd == x)
                        {
                            values.Add(x);
                        }

                        break;
                    }

                    yield return to;
                }
            }
            else
            {
                yield return 79 + (me * 17);
            }
        }
    }
}
