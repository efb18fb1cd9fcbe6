namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// Seeds of <see cref="DuplicateActivationSoak"/>: a key/value group on production peers with duplicated, stopped and
/// restarted activations, partitions and lost messages; every history linearizable, no term with two leaders.
/// </summary>
public sealed class DuplicateActivationSoakTests(ITestOutputHelper output)
{
    /// <summary>Seeds 29 and 257 are two that caught the unfenced variant (a peer that speaks without a lease) when it was checked.</summary>
    [Fact]
    public void DuplicateActivations_FewSeeds() => Run([.. Enumerable.Range(1, 10), 29, 257]);

    [Fact]
    [Trait("Category", "Soak")]
    public void DuplicateActivations_ManySeeds() => Run([.. Enumerable.Range(1, 500)]);

    private void Run(int[] seeds)
    {
        var failures = new List<string>();
        var (duplicates, completed) = (0, 0);
        foreach (var seed in seeds)
        {
            var soak = new DuplicateActivationSoak(seed);
            if (soak.Run() is { } failure)
            {
                failures.Add($"seed {seed}: {failure}");
            }

            duplicates += soak.Duplicates;
            completed += soak.Completed;
        }

        output.WriteLine($"{seeds.Length} seeds: {duplicates} duplicate activations, {completed} operations completed, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
        Assert.True(completed > seeds.Length * 20, $"only {completed} operations completed in {seeds.Length} seeds: the group made too little progress to prove anything");
    }
}
