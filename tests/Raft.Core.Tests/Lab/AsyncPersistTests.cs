using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>
/// Scenarios re-run with a host that persists asynchronously (each persist takes up to 15 ms of virtual time, the
/// server handles nothing else meanwhile, and a crash loses the persist in progress). They check the Ready contract:
/// Ready.Messages may leave before the persist, Ready.MessagesAfterPersist only after it.
/// </summary>
public sealed class AsyncPersistTests(ITestOutputHelper output)
{
    [Fact]
    public void Figure82CWithAsyncPersist()
    {
        var cfg = new LabConfig(5, false, false, 2401, output) { PersistLatencyMs = 15 };
        Scenarios.Figure82C(cfg);
    }

    [Fact]
    public void UnreliableChurn2CWithAsyncPersist()
    {
        var cfg = new LabConfig(5, true, false, 2402, output) { PersistLatencyMs = 15 };
        Scenarios.Churn(cfg, "Test (2C): unreliable churn, async persist");
    }

    [Fact]
    public void SnapshotInstallUnCrash2DWithAsyncPersist()
    {
        var cfg = new LabConfig(3, true, true, 2403, output) { PersistLatencyMs = 15 };
        Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (unreliable+crash), async persist", disconnect: false, crash: true);
    }
}
