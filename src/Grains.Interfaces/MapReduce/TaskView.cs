namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>One task of a job as its coordinator sees it, for the jobs page.</summary>
/// <param name="State">Idle, InProgress or Done.</param>
/// <param name="Silo">Where the latest attempt runs or ran, when known.</param>
/// <param name="LastProgressAt">When the running attempt last showed progress (null: not yet, or not running).</param>
/// <param name="Counters">The committed attempt's counters (empty until done).</param>
/// <param name="Duration">How long the committed attempt ran, or the running one has run so far; null while idle.</param>
/// <param name="InputBytes">The task's input size when known: a map's split, or what the committed attempt read.</param>
/// <param name="Failures">Attempts that reported an error.</param>
[GenerateSerializer, Immutable, Alias("mr.TaskView")]
public sealed record TaskView(
    [property: Id(0)] TaskKind Kind,
    [property: Id(1)] int Index,
    [property: Id(2)] string State,
    [property: Id(3)] int Attempts,
    [property: Id(4)] int Backups,
    [property: Id(5)] string? Silo,
    [property: Id(6)] DateTimeOffset? LastProgressAt,
    [property: Id(7)] IReadOnlyDictionary<string, long> Counters,
    [property: Id(8)] TimeSpan? Duration = null,
    [property: Id(9)] long? InputBytes = null,
    [property: Id(10)] int Failures = 0);
