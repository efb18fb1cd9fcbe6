using RaftOrleans.Raft.Core.Tests.Simulation;
using Xunit.Abstractions;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2C of the classic lab (persistence), ported to the deterministic simulation.</summary>
public sealed class Lab2CTests(ITestOutputHelper output)
{
    [Fact]
    public void Persist12C() => Scenarios.Persist12C(new LabConfig(3, false, false, 2201, output));

    [Fact]
    public void Persist22C() => Scenarios.Persist22C(new LabConfig(5, false, false, 2202, output));

    [Fact]
    public void Persist32C() => Scenarios.Persist32C(new LabConfig(3, false, false, 2203, output));

    [Fact]
    public void Figure82C() => Scenarios.Figure82C(new LabConfig(5, false, false, 2204, output));

    [Fact]
    public void UnreliableAgree2C() => Scenarios.UnreliableAgree2C(new LabConfig(5, true, false, 2205, output));

    [Fact]
    public void Figure8Unreliable2C() => Scenarios.Figure8Unreliable2C(new LabConfig(5, true, false, 2206, output));

    [Fact]
    public void ReliableChurn2C() => Scenarios.Churn(new LabConfig(5, false, false, 2207, output), "Test (2C): churn");

    [Fact]
    public void UnreliableChurn2C() => Scenarios.Churn(new LabConfig(5, true, false, 2209, output), "Test (2C): unreliable churn");
}
