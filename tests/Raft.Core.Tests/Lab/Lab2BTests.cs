using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2B of the classic lab (log replication), ported to the deterministic simulation.</summary>
public sealed class Lab2BTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LabScenarios.Names), "2B", MemberType = typeof(LabScenarios))]
    public void Scenario(string name) => LabScenarios.Named(name).Run(LabOptions.Lab, output);
}
