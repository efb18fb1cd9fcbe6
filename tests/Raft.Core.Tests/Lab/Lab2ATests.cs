using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2A of the classic lab (leader election), ported to the deterministic simulation.</summary>
public sealed class Lab2ATests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LabScenarios.Names), "2A", MemberType = typeof(LabScenarios))]
    public void Scenario(string name) => LabScenarios.Named(name).Run(LabOptions.Lab, output);
}
