using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>The lab scenarios as functions of a <see cref="LabConfig"/>, so tests and the RPC table share them.</summary>
public static partial class Scenarios
{
    public static ScenarioResult InitialElection2A(LabConfig cfg)
    {
        cfg.Begin("Test (2A): initial election");

        // is a leader elected?
        cfg.CheckOneLeader();

        // sleep a bit to avoid racing with followers learning of the election, then check all peers agree on the term.
        cfg.Sleep(50);
        var term1 = cfg.CheckTerms();
        if (term1 < 1)
        {
            throw cfg.Fail($"term is {term1}, but should be at least 1");
        }

        // does the leader+term stay the same if there is no network failure?
        cfg.Sleep(2 * LabTiming.RaftElectionTimeoutMs);
        var term2 = cfg.CheckTerms();
        if (term1 != term2)
        {
            cfg.Log("warning: term changed even though there were no failures");
        }

        // there should still be a leader.
        cfg.CheckOneLeader();
        return cfg.End();
    }

    public static ScenarioResult ReElection2A(LabConfig cfg)
    {
        cfg.Begin("Test (2A): election after network failure");
        var n = cfg.N;
        var leader1 = cfg.CheckOneLeader();

        // if the leader disconnects, a new one should be elected.
        cfg.Disconnect(leader1);
        cfg.CheckOneLeader();

        // if the old leader rejoins, that shouldn't disturb the new leader.
        cfg.Connect(leader1);
        var leader2 = cfg.CheckOneLeader();

        // if there's no quorum, no leader should be elected.
        cfg.Disconnect(leader2);
        cfg.Disconnect((leader2 + 1) % n);
        cfg.Sleep(2 * LabTiming.RaftElectionTimeoutMs);
        cfg.CheckNoLeader();

        // if a quorum arises, it should elect a leader.
        cfg.Connect((leader2 + 1) % n);
        cfg.CheckOneLeader();

        // re-join of last node shouldn't prevent leader from existing.
        cfg.Connect(leader2);
        cfg.CheckOneLeader();
        return cfg.End();
    }

    public static ScenarioResult ManyElections2A(LabConfig cfg)
    {
        cfg.Begin("Test (2A): multiple elections");
        var n = cfg.N;
        cfg.CheckOneLeader();
        for (var ii = 1; ii < 10; ii++)
        {
            // disconnect three nodes
            var i1 = cfg.Rand.Next(n);
            var i2 = cfg.Rand.Next(n);
            var i3 = cfg.Rand.Next(n);
            cfg.Disconnect(i1);
            cfg.Disconnect(i2);
            cfg.Disconnect(i3);

            // either the current leader should still be alive, or the remaining four should elect a new one.
            cfg.CheckOneLeader();
            cfg.Connect(i1);
            cfg.Connect(i2);
            cfg.Connect(i3);
        }

        cfg.CheckOneLeader();
        return cfg.End();
    }
}
