using RaftOrleans.Raft.Core.Tests.Simulation;
using Xunit.Abstractions;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2D of the classic lab (log compaction and InstallSnapshot), ported to the deterministic simulation.</summary>
public sealed class Lab2DTests(ITestOutputHelper output)
{
    [Fact]
    public void SnapshotBasic2D() =>
        Scenarios.SnapCommon(new LabConfig(3, false, true, 2301, output), "Test (2D): snapshots basic", disconnect: false, crash: false);

    [Fact]
    public void SnapshotInstall2D() =>
        Scenarios.SnapCommon(new LabConfig(3, false, true, 2302, output), "Test (2D): install snapshots (disconnect)", disconnect: true, crash: false);

    [Fact]
    public void SnapshotInstallUnreliable2D() =>
        Scenarios.SnapCommon(new LabConfig(3, true, true, 2303, output), "Test (2D): install snapshots (disconnect+unreliable)", disconnect: true, crash: false);

    [Fact]
    public void SnapshotInstallCrash2D() =>
        Scenarios.SnapCommon(new LabConfig(3, false, true, 2304, output), "Test (2D): install snapshots (crash)", disconnect: false, crash: true);

    [Fact]
    public void SnapshotInstallUnCrash2D() =>
        Scenarios.SnapCommon(new LabConfig(3, true, true, 2305, output), "Test (2D): install snapshots (unreliable+crash)", disconnect: false, crash: true);
}
