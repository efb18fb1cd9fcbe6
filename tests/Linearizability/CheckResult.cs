namespace RaftOrleans.Linearizability;

public enum CheckOutcome
{
    /// <summary>A linearization exists for every partition.</summary>
    Ok,

    /// <summary>Some partition has no linearization: the history is not linearizable.</summary>
    Illegal,

    /// <summary>The step budget or the timeout ran out before a verdict (and no partition was found illegal).</summary>
    Unknown,
}

/// <summary>Resource limits of one check. Each partition gets the whole budget; the timeout covers the whole check.</summary>
public sealed record CheckOptions
{
    /// <summary>Search steps allowed per partition (each step tries or undoes one operation).</summary>
    public long MaxStepsPerPartition { get; init; } = 50_000_000;

    /// <summary>Wall-clock limit of the whole check; null for none.</summary>
    public TimeSpan? Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static CheckOptions Default { get; } = new();
}

/// <summary>The verdict on one partition.</summary>
public sealed record PartitionResult(string Name, int Operations, CheckOutcome Outcome, long Steps, string? Explanation);

/// <summary>The verdict on a history: the overall outcome, and per partition the outcome and, when not Ok, why.</summary>
public sealed record CheckResult(CheckOutcome Outcome, IReadOnlyList<PartitionResult> Partitions, TimeSpan Elapsed)
{
    public bool IsLinearizable => Outcome == CheckOutcome.Ok;

    /// <summary>A short text for a test failure: the first illegal (else unknown) partition and its explanation.</summary>
    public string Explanation
    {
        get
        {
            var worst = Partitions.FirstOrDefault(p => p.Outcome == CheckOutcome.Illegal)
                ?? Partitions.FirstOrDefault(p => p.Outcome == CheckOutcome.Unknown);
            var total = Partitions.Sum(p => p.Operations);
            return worst is null
                ? $"linearizable: {Partitions.Count} partitions, {total} operations, {Partitions.Sum(p => p.Steps)} steps, {Elapsed.TotalMilliseconds:F0} ms"
                : $"{Outcome} in partition {worst.Name} ({worst.Operations} operations, {worst.Steps} steps): {worst.Explanation}";
        }
    }

    public override string ToString() => Explanation;
}
