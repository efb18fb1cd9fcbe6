namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>What a reload found after a crash at each write point of one save, and after the save completed.</summary>
public sealed record SweepResult(string Save, IReadOnlyList<(int Point, string Outcome)> Crashes, string Completed)
{
    public const string Before = "before";
    public const string After = "after";

    public IEnumerable<(int Point, string Outcome)> Bad => Crashes.Where(c => c.Outcome is not (Before or After));

    public string Describe() =>
        $"{Save}: {Crashes.Count} crash points; completed: {Completed}; "
        + string.Join("; ", Crashes.Select(c => $"{c.Point}: {c.Outcome}"));
}
