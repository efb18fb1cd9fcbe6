using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>
/// The 24 classic lab scenarios (2A–2D) with the cluster each runs on and its seed: one table for the lab's own
/// host and for the production peer.
/// </summary>
public static class LabScenarios
{
    public static IReadOnlyList<Entry> All { get; } =
    [
        new("InitialElection2A", "2A", 3, false, false, 2001, Scenarios.InitialElection2A),
        new("ReElection2A", "2A", 3, false, false, 2002, Scenarios.ReElection2A),
        new("ManyElections2A", "2A", 7, false, false, 2003, Scenarios.ManyElections2A),
        new("BasicAgree2B", "2B", 3, false, false, 2101, Scenarios.BasicAgree2B),
        new("RPCBytes2B", "2B", 3, false, false, 2102, Scenarios.RPCBytes2B),
        new("FailAgree2B", "2B", 3, false, false, 2103, Scenarios.FailAgree2B),
        new("FailNoAgree2B", "2B", 5, false, false, 2104, Scenarios.FailNoAgree2B),
        new("ConcurrentStarts2B", "2B", 3, false, false, 2105, Scenarios.ConcurrentStarts2B),
        new("Rejoin2B", "2B", 3, false, false, 2106, Scenarios.Rejoin2B),
        new("Backup2B", "2B", 5, false, false, 2107, Scenarios.Backup2B),
        new("Count2B", "2B", 3, false, false, 2108, Scenarios.Count2B),
        new("Persist12C", "2C", 3, false, false, 2201, Scenarios.Persist12C),
        new("Persist22C", "2C", 5, false, false, 2202, Scenarios.Persist22C),
        new("Persist32C", "2C", 3, false, false, 2203, Scenarios.Persist32C),
        new("Figure82C", "2C", 5, false, false, 2204, Scenarios.Figure82C),
        new("UnreliableAgree2C", "2C", 5, true, false, 2205, Scenarios.UnreliableAgree2C),
        new("Figure8Unreliable2C", "2C", 5, true, false, 2206, Scenarios.Figure8Unreliable2C),
        new("ReliableChurn2C", "2C", 5, false, false, 2207, cfg => Scenarios.Churn(cfg, "Test (2C): churn")),
        new("UnreliableChurn2C", "2C", 5, true, false, 2209, cfg => Scenarios.Churn(cfg, "Test (2C): unreliable churn")),
        new("SnapshotBasic2D", "2D", 3, false, true, 2301, cfg => Scenarios.SnapCommon(cfg, "Test (2D): snapshots basic", disconnect: false, crash: false)),
        new("SnapshotInstall2D", "2D", 3, false, true, 2302, cfg => Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (disconnect)", disconnect: true, crash: false)),
        new("SnapshotInstallUnreliable2D", "2D", 3, true, true, 2303, cfg => Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (disconnect+unreliable)", disconnect: true, crash: false)),
        new("SnapshotInstallCrash2D", "2D", 3, false, true, 2304, cfg => Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (crash)", disconnect: false, crash: true)),
        new("SnapshotInstallUnCrash2D", "2D", 3, true, true, 2305, cfg => Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (unreliable+crash)", disconnect: false, crash: true)),
    ];

    public static TheoryData<string> Names(string part) => [.. All.Where(e => e.Part == part).Select(e => e.Name)];

    public static TheoryData<string> AllNames => [.. All.Select(e => e.Name)];

    public static Entry Named(string name) => All.Single(e => e.Name == name);

    /// <summary>One scenario with its cluster, seed and host.</summary>
    public sealed record Entry(string Name, string Part, int Servers, bool Unreliable, bool Snapshot, int Seed, Func<LabConfig, ScenarioResult> Scenario)
    {
        public (LabConfig Config, ScenarioResult Result) Run(LabOptions options, ITestOutputHelper? output)
        {
            var cfg = new LabConfig(Servers, Unreliable, Snapshot, Seed, output, options);
            return (cfg, Scenario(cfg));
        }
    }
}
