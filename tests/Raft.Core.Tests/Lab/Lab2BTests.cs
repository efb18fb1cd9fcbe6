using RaftOrleans.Raft.Core.Tests.Simulation;
using Xunit.Abstractions;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>Part 2B of the classic lab (log replication), ported to the deterministic simulation.</summary>
public sealed class Lab2BTests(ITestOutputHelper output)
{
    [Fact]
    public void BasicAgree2B() => Scenarios.BasicAgree2B(new LabConfig(3, false, false, 2101, output));

    [Fact]
    public void RPCBytes2B() => Scenarios.RPCBytes2B(new LabConfig(3, false, false, 2102, output));

    [Fact]
    public void FailAgree2B() => Scenarios.FailAgree2B(new LabConfig(3, false, false, 2103, output));

    [Fact]
    public void FailNoAgree2B() => Scenarios.FailNoAgree2B(new LabConfig(5, false, false, 2104, output));

    [Fact]
    public void ConcurrentStarts2B() => Scenarios.ConcurrentStarts2B(new LabConfig(3, false, false, 2105, output));

    [Fact]
    public void Rejoin2B() => Scenarios.Rejoin2B(new LabConfig(3, false, false, 2106, output));

    [Fact]
    public void Backup2B() => Scenarios.Backup2B(new LabConfig(5, false, false, 2107, output));

    [Fact]
    public void Count2B() => Scenarios.Count2B(new LabConfig(3, false, false, 2108, output));
}
