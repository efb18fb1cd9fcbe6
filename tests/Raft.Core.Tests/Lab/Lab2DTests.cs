using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2D of the classic lab (log compaction and InstallSnapshot), ported to the deterministic simulation.</summary>
public sealed class Lab2DTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(LabScenarios.Names), "2D", MemberType = typeof(LabScenarios))]
    public void Scenario(string name) => LabScenarios.Named(name).Run(LabOptions.Lab, output);
}
