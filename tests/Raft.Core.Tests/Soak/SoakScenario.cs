using RaftOrleans.Raft.Core.Tests.Lab;
using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Soak;

/// <summary>
/// One randomized run: a random cluster size and feature set, clients submitting everywhere, and a random schedule of
/// disconnects, crashes, restarts and unreliable/reordering periods. Every invariant is checked after every step;
/// at the end the cluster is healed and must agree on a new command (liveness) and keep every value a client saw
/// committed (durability).
/// </summary>
public static class SoakScenario
{
    /// <param name="host">With <see cref="LabHost.Peer"/>, saves also crash their server now and then, until the heal.</param>
    /// <param name="tornWrites">The harness's own check: a broken store (<see cref="LabOptions.TornWrites"/>).</param>
    /// <param name="membership">
    /// Five servers of which three found the group; the schedule also adds voters and learners, removes and replaces
    /// peers through whoever leads, and the end needs only the final configuration's peers.
    /// </param>
    public static ScenarioResult Run(int seed, LabHost host = LabHost.Core, bool tornWrites = false, bool membership = false)
    {
        var rng = new Random(seed);
        var n = membership || rng.Next(2) != 0 ? 5 : 3;
        var preVote = rng.Next(3) != 0;
        var options = new LabOptions
        {
            PreVote = preVote,
            CheckQuorum = preVote && rng.Next(3) != 0,
            LeaderNoOp = rng.Next(2) == 0,
            MaxInflightAppends = 1 + rng.Next(4),
            MaxEntriesPerAppend = 1 + rng.Next(64),
            Host = host,
            CrashPerSave = host != LabHost.Peer ? 0 : (0.002 + (rng.NextDouble() * 0.02)) * (tornWrites ? 5 : 1),
            TornWrites = tornWrites,
            Founders = membership ? 3 : null,
        };
        var snapshot = rng.Next(3) == 0;
        var cfg = new LabConfig(n, rng.Next(2) == 0, snapshot, seed, null, options);
        cfg.LongReordering = rng.Next(4) == 0;
        cfg.PersistLatencyMs = rng.Next(2) == 0 ? 0 : 1 + rng.Next(20);
        cfg.Begin($"soak n={n} {options} snapshot={snapshot} unreliable={cfg.Unreliable} reorder={cfg.LongReordering} persistMs={cfg.PersistLatencyMs}");

        var stop = new bool[1];
        var values = new List<string>();
        var clients = Enumerable.Range(0, 2).Select(i => cfg.Sim.Spawn(Scenarios.ChurnClient(cfg, i, stop, values, new Random((cfg.Seed * 13) + i)))).ToList();

        var iterations = 8 + rng.Next(12);
        var changes = 0;
        for (var it = 0; it < iterations; it++)
        {
            var i = rng.Next(n);
            switch (rng.Next(membership ? 16 : 11))
            {
                case >= 11:
                    changes += ChangeMembership(cfg, n, rng) ? 1 : 0;
                    break;
                case 10:
                    // Whoever leads hands over to server i (a no-op elsewhere, or to itself).
                    for (var j = 0; j < n; j++)
                    {
                        if (cfg.IsAlive(j) && cfg.GetState(j).IsLeader)
                        {
                            cfg.TransferLeadership(j, i);
                        }
                    }

                    break;
                case 0:
                case 1:
                    cfg.Disconnect(i);
                    break;
                case 2:
                case 3:
                case 4:
                    if (!cfg.IsAlive(i))
                    {
                        cfg.Start1(i);
                    }

                    cfg.Connect(i);
                    break;
                case 5:
                case 6:
                    if (cfg.IsAlive(i))
                    {
                        cfg.Crash1(i);
                    }

                    break;
                case 7:
                    cfg.Unreliable = !cfg.Unreliable;
                    break;
                case 8:
                    cfg.LongReordering = !cfg.LongReordering;
                    break;
                default:
                    // partition: a random minority or majority group stays connected
                    for (var j = 0; j < n; j++)
                    {
                        if (rng.Next(2) == 0)
                        {
                            cfg.Disconnect(j);
                        }
                        else if (cfg.IsAlive(j))
                        {
                            cfg.Connect(j);
                        }
                    }

                    break;
            }

            cfg.Sleep(50 + rng.Next(1500));
        }

        // Heal everything and require progress.
        cfg.CrashAtSaves = false;
        cfg.Unreliable = false;
        cfg.LongReordering = false;
        for (var i = 0; i < n; i++)
        {
            if (!cfg.IsAlive(i))
            {
                cfg.Start1(i);
            }

            cfg.Connect(i);
        }

        stop[0] = true;
        cfg.WaitAll(clients);
        cfg.Sleep(LabTiming.RaftElectionTimeoutMs);
        // The final configuration has at least two voters; peers removed on the way hear nothing more.
        var lastIndex = cfg.One(LabConfig.Cmd(rng.Next()), membership ? 2 : n, true);

        var finalValues = new HashSet<string>();
        for (long index = 1; index <= lastIndex; index++)
        {
            if (snapshot || membership)
            {
                finalValues.Add(cfg.CommittedValue(index) ?? "");
            }
            else
            {
                finalValues.Add(cfg.Wait(index, n, -1) ?? throw cfg.Fail($"no value at {index}"));
            }
        }

        foreach (var v in values)
        {
            if (!finalValues.Contains(v))
            {
                throw cfg.Fail($"value {v} seen committed is missing from the final log");
            }
        }

        return cfg.End() with { MembershipChanges = changes };
    }

    /// <summary>Whoever leads is asked for one random change; most are taken, some refused (one at a time).</summary>
    private static bool ChangeMembership(LabConfig cfg, int n, Random rng)
    {
        var leader = Enumerable.Range(0, n).FirstOrDefault(j => cfg.IsAlive(j) && cfg.GetState(j).IsLeader, -1);
        if (leader < 0 || cfg.MembershipOf(leader) is not { } m)
        {
            return false;
        }

        string Pick(IEnumerable<string> from)
        {
            var list = from.ToList();
            return list.Count == 0 ? cfg.PeerIds[rng.Next(n)] : list[rng.Next(list.Count)];
        }

        var outsiders = cfg.PeerIds.Where(p => !m.IsVoter(p));
        var change = rng.Next(4) switch
        {
            0 => MembershipChange.AddVoter(Pick(outsiders)),
            1 => MembershipChange.AddLearner(Pick(cfg.PeerIds.Where(p => !m.IsMember(p)))),
            2 => MembershipChange.Remove(Pick(m.Members)),
            _ => MembershipChange.Replace(Pick(m.Voters), Pick(outsiders)),
        };
        return cfg.ChangeMembership(leader, change).Accepted;
    }
}
