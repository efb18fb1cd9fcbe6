using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>
/// The 24 lab scenarios through the code that ships: each server runs the peer grain's <c>RaftPeer</c> over the
/// real <c>RaftPeerStore</c> on the in-memory store, with one-way messages. In 2C and 2D a save crashes its server
/// now and then (before the write lands, or right after), and the server restarts from what its store holds;
/// election safety, log matching, leader completeness and state-machine safety are checked after every event.
/// </summary>
public sealed class PeerHostLabTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LabScenarios.AllNames), MemberType = typeof(LabScenarios))]
    public void Scenario(string name)
    {
        var entry = LabScenarios.Named(name);
        var crashes = entry.Part is "2C" or "2D";
        var (cfg, _) = entry.Run(crashes ? LabOptions.PeerWithCrashes : LabOptions.Peer, output);
        output.WriteLine($"{cfg.DurableSaves} saves, {cfg.InjectedCrashes} crashes injected at saves, {cfg.InvariantChecks} invariant checks");
        Assert.True(cfg.DurableSaves > 0, "the peers saved nothing");
        Assert.True(cfg.InvariantChecks > 0, "no invariant was checked");
    }

    [Fact]
    public void FrequentCrashesAtSaves_BreakNoInvariant_AndTheGroupStillAgrees()
    {
        var options = LabOptions.PeerWithCrashes with { CrashPerSave = 0.1 };
        var cfg = new LabConfig(5, true, false, 2501, output, options) { PersistLatencyMs = 5 };
        Scenarios.Churn(cfg, "Test (2C): unreliable churn, async saves, a crash at one save in 10");
        AssertCrashed(cfg, atLeast: 10);
    }

    [Fact]
    public void FrequentCrashesAtSaves_WithSnapshots_BreakNoInvariant()
    {
        var options = LabOptions.PeerWithCrashes with { CrashPerSave = 0.1 };
        var cfg = new LabConfig(3, true, true, 2502, output, options) { PersistLatencyMs = 5 };
        Scenarios.SnapCommon(cfg, "Test (2D): install snapshots (unreliable+crash), a crash at one save in 10", disconnect: false, crash: true);
        AssertCrashed(cfg, atLeast: 10);
    }

    [Fact]
    public void AStoreThatTearsItsWritesOnACrash_IsCaughtBySomeSoakSeed()
    {
        for (var seed = 1; seed <= 1000; seed++)
        {
            try
            {
                Soak.SoakScenario.Run(seed, LabHost.Peer, tornWrites: true);
            }
            catch (RaftTestException caught)
            {
                output.WriteLine($"seed {seed}: {caught.Message}");
                return;
            }
        }

        Assert.Fail("1000 soak seeds over a store that tears its writes found nothing: the harness cannot see such a store");
    }

    private void AssertCrashed(LabConfig cfg, int atLeast)
    {
        output.WriteLine($"{cfg.Result}; {cfg.DurableSaves} saves, {cfg.InjectedCrashes} crashes injected at saves, {cfg.InvariantChecks} invariant checks");
        Assert.True(cfg.InjectedCrashes >= atLeast, $"only {cfg.InjectedCrashes} crashes were injected");
    }
}
