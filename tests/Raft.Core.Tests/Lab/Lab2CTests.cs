using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2C of the classic lab (persistence), ported to the deterministic simulation.</summary>
public sealed class Lab2CTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LabScenarios.Names), "2C", MemberType = typeof(LabScenarios))]
    public void Scenario(string name) => LabScenarios.Named(name).Run(LabOptions.Lab, output);
}
