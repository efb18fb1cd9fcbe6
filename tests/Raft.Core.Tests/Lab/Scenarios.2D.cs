using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

public static partial class Scenarios
{
    /// <summary>The lab's MAXLOGSIZE: persisted raft state (not the snapshot) must stay below it.</summary>
    public const long MaxLogSize = 2000;

    /// <summary>The lab's SnapShotInterval.</summary>
    public const int SnapShotInterval = 10;

    /// <summary>snapcommon: 30 rounds of victim fault, 11 Starts, size check, heal; the victim catches up by InstallSnapshot.</summary>
    public static ScenarioResult SnapCommon(LabConfig cfg, string name, bool disconnect, bool crash)
    {
        const int iters = 30;
        var servers = cfg.N;
        var rand = cfg.Rand;
        cfg.Begin(name);
        cfg.One(rand.Next(), servers, true);
        var leader1 = cfg.CheckOneLeader();
        long maxSize = 0;
        for (var i = 0; i < iters; i++)
        {
            var victim = (leader1 + 1) % servers;
            var sender = leader1;
            if (i % 3 == 1)
            {
                sender = (leader1 + 1) % servers;
                victim = leader1;
            }

            if (disconnect)
            {
                cfg.Disconnect(victim);
                cfg.One(rand.Next(), servers - 1, true);
            }

            if (crash)
            {
                cfg.Crash1(victim);
                cfg.One(rand.Next(), servers - 1, true);
            }

            // send enough to get a snapshot
            for (var k = 0; k < SnapShotInterval + 1; k++)
            {
                if (cfg.IsAlive(sender))
                {
                    cfg.Start(sender, LabConfig.Cmd(rand.Next()));
                }
            }

            // let applier threads catch up with the Start()'s
            cfg.One(rand.Next(), servers - 1, true);

            var size = cfg.MaxRaftStateSize();
            maxSize = Math.Max(maxSize, size);
            if (size >= MaxLogSize)
            {
                throw cfg.Fail($"Log size too large: {size}");
            }

            if (disconnect)
            {
                // reconnect a follower, who maybe behind and needs to receive a snapshot to catch up.
                cfg.Connect(victim);
                cfg.One(rand.Next(), servers, true);
                leader1 = cfg.CheckOneLeader();
            }

            if (crash)
            {
                cfg.Start1(victim);
                cfg.Connect(victim);
                cfg.One(rand.Next(), servers, true);
                leader1 = cfg.CheckOneLeader();
            }
        }

        cfg.Log($"max persisted raft state: {maxSize} bytes (bound {MaxLogSize}); snapshots installed: {cfg.SnapshotsInstalled}");
        return cfg.End();
    }
}
