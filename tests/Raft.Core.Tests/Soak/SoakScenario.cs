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
    public static ScenarioResult Run(int seed, LabHost host = LabHost.Core, bool tornWrites = false)
    {
        var rng = new Random(seed);
        var n = rng.Next(2) == 0 ? 3 : 5;
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
        for (var it = 0; it < iterations; it++)
        {
            var i = rng.Next(n);
            switch (rng.Next(11))
            {
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
        var lastIndex = cfg.One(LabConfig.Cmd(rng.Next()), n, true);

        var finalValues = new HashSet<string>();
        for (long index = 1; index <= lastIndex; index++)
        {
            if (snapshot)
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

        return cfg.End();
    }
}
