namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>A task attempt's outcome, sent by the task grain to its job.</summary>
/// <param name="Output">Map: the directory holding the attempt's partitions. Reduce: the attempt's (uncommitted) output file.</param>
/// <param name="Error">Null on success; otherwise why the attempt failed (it is then handed out again).</param>
/// <param name="Warnings">What the user should know about the attempt's input, e.g. where it is not UTF-8; kept only if this attempt is committed.</param>
/// <param name="Counters">The attempt's counters (built-in and the app's); they count only if this attempt is committed.</param>
[GenerateSerializer, Immutable, Alias("mr.TaskReport")]
public sealed record TaskReport(
    [property: Id(0)] TaskKind Kind,
    [property: Id(1)] int Index,
    [property: Id(2)] int Attempt,
    [property: Id(3)] string Output,
    [property: Id(4)] string? Error,
    [property: Id(5)] IReadOnlyDictionary<string, long>? Counters = null,
    [property: Id(6)] IReadOnlyList<string>? Warnings = null);
