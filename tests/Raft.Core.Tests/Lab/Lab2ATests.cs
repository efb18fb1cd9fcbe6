using RaftOrleans.Raft.Core.Tests.Simulation;
using Xunit.Abstractions;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2A of the classic lab (leader election), ported to the deterministic simulation.</summary>
public sealed class Lab2ATests(ITestOutputHelper output)
{
    [Fact]
    public void InitialElection2A() => Scenarios.InitialElection2A(new LabConfig(3, false, false, 2001, output));

    [Fact]
    public void ReElection2A() => Scenarios.ReElection2A(new LabConfig(3, false, false, 2002, output));

    [Fact]
    public void ManyElections2A() => Scenarios.ManyElections2A(new LabConfig(7, false, false, 2003, output));
}
