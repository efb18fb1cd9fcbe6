using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Soak;

/// <summary>
/// The default suite's short run of the membership soak (<see cref="SoakTests.MembershipChangesUnderFaultsNeverBreakSafety"/>
/// runs 1,000 seeds per host in the Soak category): random adds, learners, removals and replaces among the faults.
/// </summary>
public sealed class MembershipSoakTests(ITestOutputHelper output)
{
    [Fact]
    public void MembershipChangesUnderFaults_OnTheCore() =>
        SoakTests.RunSeeds(output, "membership", seed => SoakScenario.Run(seed, membership: true), seeds: 200, first: 7001);

    [Fact]
    public void MembershipChangesUnderFaults_OnTheProductionPeer() =>
        SoakTests.RunSeeds(output, "membership-peer", seed => SoakScenario.Run(seed, LabHost.Peer, membership: true), seeds: 200, first: 8001);
}
