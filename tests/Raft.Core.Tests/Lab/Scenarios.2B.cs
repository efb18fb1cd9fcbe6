using System.Text;
using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

public static partial class Scenarios
{
    public static ScenarioResult BasicAgree2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): basic agreement");
        const int iters = 3;
        for (long index = 1; index < iters + 1; index++)
        {
            var (nd, _) = cfg.NCommitted(index);
            if (nd > 0)
            {
                throw cfg.Fail("some have committed before Start()");
            }

            var xindex = cfg.One(index * 100, servers, false);
            if (xindex != index)
            {
                throw cfg.Fail($"got index {xindex} but expected {index}");
            }
        }

        return cfg.End();
    }

    public static ScenarioResult RPCBytes2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): RPC byte count");
        cfg.One(99, servers, false);
        var bytes0 = cfg.BytesTotal;
        const int iters = 10;
        long sent = 0;
        for (long index = 2; index < iters + 2; index++)
        {
            var cmd = RandString(cfg.Rand, 5000);
            var xindex = cfg.One(cmd, servers, false);
            if (xindex != index)
            {
                throw cfg.Fail($"got index {xindex} but expected {index}");
            }

            sent += cmd.Length;
        }

        var got = cfg.BytesTotal - bytes0;
        var expected = servers * sent;
        if (got > expected + 50_000)
        {
            throw cfg.Fail($"too many RPC bytes; got {got}, expected {expected}");
        }

        cfg.Log($"RPC bytes for 10 x 5000-char commands: {got} (bound {expected + 50_000})");
        return cfg.End();
    }

    public static ScenarioResult FailAgree2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): agreement despite follower disconnection");
        cfg.One(101, servers, false);

        // disconnect one follower from the network.
        var leader = cfg.CheckOneLeader();
        cfg.Disconnect((leader + 1) % servers);

        // the leader and remaining follower should be able to agree despite the disconnected follower.
        cfg.One(102, servers - 1, false);
        cfg.One(103, servers - 1, false);
        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        cfg.One(104, servers - 1, false);
        cfg.One(105, servers - 1, false);

        // re-connect
        cfg.Connect((leader + 1) % servers);

        // the full set of servers should preserve previous agreements, and be able to agree on new commands.
        cfg.One(106, servers, true);
        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        cfg.One(107, servers, true);
        return cfg.End();
    }

    public static ScenarioResult FailNoAgree2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): no agreement if too many followers disconnect");
        cfg.One(10, servers, false);

        // 3 of 5 followers disconnect
        var leader = cfg.CheckOneLeader();
        cfg.Disconnect((leader + 1) % servers);
        cfg.Disconnect((leader + 2) % servers);
        cfg.Disconnect((leader + 3) % servers);

        var (index, _, ok) = cfg.Start(leader, LabConfig.Cmd(20));
        if (!ok)
        {
            throw cfg.Fail("leader rejected Start()");
        }

        if (index != 2)
        {
            throw cfg.Fail($"expected index 2, got {index}");
        }

        cfg.Sleep(2 * LabTiming.RaftElectionTimeoutMs);
        var (n, _) = cfg.NCommitted(index);
        if (n > 0)
        {
            throw cfg.Fail($"{n} committed but no majority");
        }

        // repair
        cfg.Connect((leader + 1) % servers);
        cfg.Connect((leader + 2) % servers);
        cfg.Connect((leader + 3) % servers);

        // the disconnected majority may have chosen a leader from among their own ranks, forgetting index 2.
        var leader2 = cfg.CheckOneLeader();
        var (index2, _, ok2) = cfg.Start(leader2, LabConfig.Cmd(30));
        if (!ok2)
        {
            throw cfg.Fail("leader2 rejected Start()");
        }

        if (index2 < 2 || index2 > 3)
        {
            throw cfg.Fail($"unexpected index {index2}");
        }

        cfg.One(1000, servers, true);
        return cfg.End();
    }

    public static ScenarioResult ConcurrentStarts2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): concurrent Start()s");
        var success = false;
        for (var attempt = 0; attempt < 5 && !success; attempt++)
        {
            if (attempt > 0)
            {
                // give solution some time to settle
                cfg.Sleep(3000);
            }

            var leader = cfg.CheckOneLeader();
            var (_, term, ok) = cfg.Start(leader, LabConfig.Cmd(1));
            if (!ok)
            {
                // leader moved on really quickly
                continue;
            }

            // five concurrent Start()s: issued at the same virtual instant, as goroutines would race.
            const int iters = 5;
            var indices = new List<long>();
            for (var ii = 0; ii < iters; ii++)
            {
                var (i, term1, ok1) = cfg.Start(leader, LabConfig.Cmd(100 + ii));
                if (term1 == term && ok1)
                {
                    indices.Add(i);
                }
            }

            if (Enumerable.Range(0, servers).Any(j => !cfg.IsAlive(j) || cfg.GetState(j).Term != term))
            {
                // term changed -- can't expect low RPC counts
                continue;
            }

            var cmds = new List<string>();
            var movedOn = false;
            foreach (var index in indices)
            {
                var cmd = cfg.Wait(index, servers, term);
                if (cmd is null)
                {
                    // peers have moved on to later terms so we can't expect all Start()s to have succeeded
                    movedOn = true;
                    break;
                }

                cmds.Add(cmd);
            }

            if (movedOn)
            {
                continue;
            }

            for (var ii = 0; ii < iters; ii++)
            {
                var x = LabConfig.Cmd(100 + ii);
                if (!cmds.Contains(x))
                {
                    throw cfg.Fail($"cmd {x} missing in [{string.Join(",", cmds)}]");
                }
            }

            success = true;
        }

        if (!success)
        {
            throw cfg.Fail("term changed too often");
        }

        return cfg.End();
    }

    public static ScenarioResult Rejoin2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): rejoin of partitioned leader");
        cfg.One(101, servers, true);

        // leader network failure
        var leader1 = cfg.CheckOneLeader();
        cfg.Disconnect(leader1);

        // make old leader try to agree on some entries
        cfg.Start(leader1, LabConfig.Cmd(102));
        cfg.Start(leader1, LabConfig.Cmd(103));
        cfg.Start(leader1, LabConfig.Cmd(104));

        // new leader commits, also for index=2
        cfg.One(103, 2, true);

        // new leader network failure
        var leader2 = cfg.CheckOneLeader();
        cfg.Disconnect(leader2);

        // old leader connected again
        cfg.Connect(leader1);
        cfg.One(104, 2, true);

        // all together now
        cfg.Connect(leader2);
        cfg.One(105, servers, true);
        return cfg.End();
    }

    public static ScenarioResult Backup2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): leader backs up quickly over incorrect follower logs");
        cfg.One(cfg.Rand.Next(), servers, true);

        // put leader and one follower in a partition
        var leader1 = cfg.CheckOneLeader();
        cfg.Disconnect((leader1 + 2) % servers);
        cfg.Disconnect((leader1 + 3) % servers);
        cfg.Disconnect((leader1 + 4) % servers);

        // submit lots of commands that won't commit
        for (var i = 0; i < 50; i++)
        {
            cfg.Start(leader1, LabConfig.Cmd(cfg.Rand.Next()));
        }

        cfg.Sleep(LabTiming.RaftElectionTimeoutMs / 2);
        cfg.Disconnect((leader1 + 0) % servers);
        cfg.Disconnect((leader1 + 1) % servers);

        // allow other partition to recover
        cfg.Connect((leader1 + 2) % servers);
        cfg.Connect((leader1 + 3) % servers);
        cfg.Connect((leader1 + 4) % servers);

        // lots of successful commands to new group.
        for (var i = 0; i < 50; i++)
        {
            cfg.One(cfg.Rand.Next(), 3, true);
        }

        // now another partitioned leader and one follower
        var leader2 = cfg.CheckOneLeader();
        var other = (leader1 + 2) % servers;
        if (leader2 == other)
        {
            other = (leader2 + 1) % servers;
        }

        cfg.Disconnect(other);

        // lots more commands that won't commit
        for (var i = 0; i < 50; i++)
        {
            cfg.Start(leader2, LabConfig.Cmd(cfg.Rand.Next()));
        }

        cfg.Sleep(LabTiming.RaftElectionTimeoutMs / 2);

        // bring original leader back to life,
        for (var i = 0; i < servers; i++)
        {
            cfg.Disconnect(i);
        }

        cfg.Connect((leader1 + 0) % servers);
        cfg.Connect((leader1 + 1) % servers);
        cfg.Connect(other);

        // lots of successful commands to new group.
        for (var i = 0; i < 50; i++)
        {
            cfg.One(cfg.Rand.Next(), 3, true);
        }

        // now everyone
        for (var i = 0; i < servers; i++)
        {
            cfg.Connect(i);
        }

        cfg.One(cfg.Rand.Next(), servers, true);
        return cfg.End();
    }

    public static ScenarioResult Count2B(LabConfig cfg)
    {
        var servers = cfg.N;
        cfg.Begin("Test (2B): RPC counts aren't too high");
        long Rpcs() => Enumerable.Range(0, servers).Sum(j => cfg.RpcCount(j));

        var leader = cfg.CheckOneLeader();
        var total1 = Rpcs();
        if (total1 > 30 || total1 < 1)
        {
            throw cfg.Fail($"too many or few RPCs ({total1}) to elect initial leader");
        }

        cfg.Log($"RPCs to elect initial leader: {total1} (bound 30)");
        long total2 = 0;
        var success = false;
        for (var attempt = 0; attempt < 5 && !success; attempt++)
        {
            if (attempt > 0)
            {
                // give solution some time to settle
                cfg.Sleep(3000);
            }

            leader = cfg.CheckOneLeader();
            total1 = Rpcs();
            const int iters = 10;
            var (starti, term, ok) = cfg.Start(leader, LabConfig.Cmd(1));
            if (!ok)
            {
                // leader moved on really quickly
                continue;
            }

            var cmds = new List<string>();
            var retry = false;
            for (var i = 1; i < iters + 2; i++)
            {
                var x = LabConfig.Cmd(cfg.Rand.Next());
                cmds.Add(x);
                var (index1, term1, ok1) = cfg.Start(leader, x);
                if (term1 != term || !ok1)
                {
                    // Start() failed or the term changed while we were starting
                    retry = true;
                    break;
                }

                if (starti + i != index1)
                {
                    throw cfg.Fail("Start() failed");
                }
            }

            if (retry)
            {
                continue;
            }

            for (var i = 1; i < iters + 1 && !retry; i++)
            {
                var cmd = cfg.Wait(starti + i, servers, term);
                if (cmd is null)
                {
                    // term changed -- try again
                    retry = true;
                }
                else if (cmd != cmds[i - 1])
                {
                    throw cfg.Fail($"wrong value {cmd} committed for index {starti + i}; expected {cmds[i - 1]}");
                }
            }

            if (retry)
            {
                continue;
            }

            var failed = false;
            total2 = 0;
            for (var j = 0; j < servers; j++)
            {
                if (cfg.GetState(j).Term != term)
                {
                    // term changed -- can't expect low RPC counts; need to keep going to update total2
                    failed = true;
                }

                total2 += cfg.RpcCount(j);
            }

            if (failed)
            {
                continue;
            }

            if (total2 - total1 > (iters + 1 + 3) * 3)
            {
                throw cfg.Fail($"too many RPCs ({total2 - total1}) for {iters} entries");
            }

            cfg.Log($"RPCs for 12 agreements: {total2 - total1} (bound {(iters + 1 + 3) * 3})");
            success = true;
        }

        if (!success)
        {
            throw cfg.Fail("term changed too often");
        }

        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        var total3 = Rpcs();
        if (total3 - total2 > 3 * 20)
        {
            throw cfg.Fail($"too many RPCs ({total3 - total2}) for 1 second of idleness");
        }

        cfg.Log($"RPCs in 1 s of idleness: {total3 - total2} (bound 60)");
        return cfg.End();
    }

    private static string RandString(Random random, int n)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
        var sb = new StringBuilder(n);
        for (var i = 0; i < n; i++)
        {
            sb.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return sb.ToString();
    }
}
