using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.Lab;

/// <summary>
/// The RPC counts (third number of each lab "Passed" line) of the 2A/2B scenarios, next to the 2021 handout's sample
/// figures (catalogue §6.1). The figures are one sample run of a reference solution, so they serve as a budget.
/// </summary>
public sealed class RpcBudgetTests(ITestOutputHelper output)
{
    /// <summary>Scenario, its seed in the default suite, peers, and the handout's RPC count.</summary>
    private static readonly (string Name, Func<LabConfig, ScenarioResult> Run, int Seed, int Peers, long Reference)[] Table =
    [
        ("InitialElection2A", Scenarios.InitialElection2A, 2001, 3, 32),
        ("ReElection2A", Scenarios.ReElection2A, 2002, 3, 70),
        ("BasicAgree2B", Scenarios.BasicAgree2B, 2101, 3, 18),
        ("RPCBytes2B", Scenarios.RPCBytes2B, 2102, 3, 50),
        ("FailAgree2B", Scenarios.FailAgree2B, 2103, 3, 64),
        ("FailNoAgree2B", Scenarios.FailNoAgree2B, 2104, 5, 116),
        ("ConcurrentStarts2B", Scenarios.ConcurrentStarts2B, 2105, 3, 16),
        ("Rejoin2B", Scenarios.Rejoin2B, 2106, 3, 111),
        ("Backup2B", Scenarios.Backup2B, 2107, 5, 1342),
        ("Count2B", Scenarios.Count2B, 2108, 3, 30),
    ];

    [Fact]
    public void RpcCountsOf2AAnd2BStayWithinClassicReference()
    {
        output.WriteLine($"{"scenario",-20} {"RPCs",6} {"reference",9} {"bytes",9} {"virtual s",9}");
        var over = new List<string>();
        foreach (var (name, run, seed, peers, reference) in Table)
        {
            var result = run(new LabConfig(peers, false, false, seed));
            output.WriteLine($"{name,-20} {result.Rpcs,6} {reference,9} {result.Bytes,9} {result.Seconds,9:F1}");
            if (result.Rpcs > reference)
            {
                over.Add($"{name}: {result.Rpcs} > {reference}");
            }
        }

        Assert.True(over.Count == 0, "RPC count above the classic reference: " + string.Join("; ", over));
    }
}
