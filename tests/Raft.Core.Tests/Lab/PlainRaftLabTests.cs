using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>
/// All 24 lab scenarios once more with pre-vote and check-quorum off (the plain algorithm of the paper), and once
/// with the leader no-op on where the scenario does not pin exact indices.
/// </summary>
public sealed class PlainRaftLabTests(ITestOutputHelper output)
{
    private static readonly LabOptions Plain = new() { PreVote = false, CheckQuorum = false };

    private static readonly string[] All =
    [
        "InitialElection2A", "ReElection2A", "ManyElections2A",
        "BasicAgree2B", "RPCBytes2B", "FailAgree2B", "FailNoAgree2B", "ConcurrentStarts2B", "Rejoin2B", "Backup2B", "Count2B",
        "Persist12C", "Persist22C", "Persist32C", "Figure82C", "UnreliableAgree2C", "Figure8Unreliable2C", "ReliableChurn2C", "UnreliableChurn2C",
        "SnapshotBasic2D", "SnapshotInstall2D", "SnapshotInstallUnreliable2D", "SnapshotInstallCrash2D", "SnapshotInstallUnCrash2D",
    ];

    public static TheoryData<string> Names => [.. All];

    [Theory]
    [MemberData(nameof(Names))]
    public void ScenarioPassesWithoutPreVoteAndCheckQuorum(string name)
    {
        var seed = 3000 + Array.IndexOf(All, name);
        Run(name, seed, Plain);
    }

    [Theory]
    [InlineData("ManyElections2A")]
    [InlineData("Backup2B")]
    [InlineData("Figure82C")]
    [InlineData("Figure8Unreliable2C")]
    [InlineData("UnreliableChurn2C")]
    [InlineData("SnapshotInstallUnCrash2D")]
    public void ScenarioPassesWithLeaderNoOp(string name) =>
        Run(name, 3100 + name.Length, LabOptions.Lab with { LeaderNoOp = true });

    private void Run(string name, int seed, LabOptions options)
    {
        LabConfig Cfg(int n, bool unreliable, bool snapshot = false) => new(n, unreliable, snapshot, seed, output, options);
        _ = name switch
        {
            "InitialElection2A" => Scenarios.InitialElection2A(Cfg(3, false)),
            "ReElection2A" => Scenarios.ReElection2A(Cfg(3, false)),
            "ManyElections2A" => Scenarios.ManyElections2A(Cfg(7, false)),
            "BasicAgree2B" => Scenarios.BasicAgree2B(Cfg(3, false)),
            "RPCBytes2B" => Scenarios.RPCBytes2B(Cfg(3, false)),
            "FailAgree2B" => Scenarios.FailAgree2B(Cfg(3, false)),
            "FailNoAgree2B" => Scenarios.FailNoAgree2B(Cfg(5, false)),
            "ConcurrentStarts2B" => Scenarios.ConcurrentStarts2B(Cfg(3, false)),
            "Rejoin2B" => Scenarios.Rejoin2B(Cfg(3, false)),
            "Backup2B" => Scenarios.Backup2B(Cfg(5, false)),
            "Count2B" => Scenarios.Count2B(Cfg(3, false)),
            "Persist12C" => Scenarios.Persist12C(Cfg(3, false)),
            "Persist22C" => Scenarios.Persist22C(Cfg(5, false)),
            "Persist32C" => Scenarios.Persist32C(Cfg(3, false)),
            "Figure82C" => Scenarios.Figure82C(Cfg(5, false)),
            "UnreliableAgree2C" => Scenarios.UnreliableAgree2C(Cfg(5, true)),
            "Figure8Unreliable2C" => Scenarios.Figure8Unreliable2C(Cfg(5, true)),
            "ReliableChurn2C" => Scenarios.Churn(Cfg(5, false), "Test (2C): churn"),
            "UnreliableChurn2C" => Scenarios.Churn(Cfg(5, true), "Test (2C): unreliable churn"),
            "SnapshotBasic2D" => Scenarios.SnapCommon(Cfg(3, false, true), "Test (2D): snapshots basic", false, false),
            "SnapshotInstall2D" => Scenarios.SnapCommon(Cfg(3, false, true), "Test (2D): install snapshots (disconnect)", true, false),
            "SnapshotInstallUnreliable2D" => Scenarios.SnapCommon(Cfg(3, true, true), "Test (2D): install snapshots (disconnect+unreliable)", true, false),
            "SnapshotInstallCrash2D" => Scenarios.SnapCommon(Cfg(3, false, true), "Test (2D): install snapshots (crash)", false, true),
            "SnapshotInstallUnCrash2D" => Scenarios.SnapCommon(Cfg(3, true, true), "Test (2D): install snapshots (unreliable+crash)", false, true),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown scenario"),
        };
    }
}
