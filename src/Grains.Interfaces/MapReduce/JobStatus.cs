namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>A job's progress as its coordinator sees it.</summary>
/// <param name="Coordinator">The silo hosting the job grain's current activation.</param>
/// <param name="BackupLaunches">Backup attempts started for stragglers near the end of a phase (not counted as re-executions).</param>
/// <param name="Counters">Sums of the committed attempts' counters (input bytes and records, map output records, reduce input groups, output records, and the app's).</param>
/// <param name="Orphaned">
/// Submitted through a client's embedded silo that is gone: nothing runs it. Resubmitting the same job (<c>mr run
/// --job-id</c>) resumes it.
/// </param>
/// <param name="Warnings">What the committed tasks said about their inputs (e.g. where an input is not UTF-8).</param>
/// <param name="RunsInClientProcess">The job runs on the embedded silo of this other client process, which still runs: follow or stop it there.</param>
[GenerateSerializer, Immutable, Alias("mr.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobPhase Phase,
    [property: Id(2)] int MapsDone,
    [property: Id(3)] int MapsTotal,
    [property: Id(4)] int ReducesDone,
    [property: Id(5)] int ReducesTotal,
    [property: Id(6)] TimeSpan Elapsed,
    [property: Id(7)] int TaskLaunches,
    [property: Id(8)] int ReExecutions,
    [property: Id(9)] IReadOnlyList<string> OutputFiles,
    [property: Id(10)] string? Error,
    [property: Id(11)] string Coordinator,
    [property: Id(12)] string App = "",
    [property: Id(13)] string OutputDirectory = "",
    [property: Id(14)] DateTimeOffset SubmittedAt = default,
    [property: Id(15)] bool Orphaned = false,
    [property: Id(16)] IReadOnlyDictionary<string, long>? Counters = null,
    [property: Id(17)] int BackupLaunches = 0,
    [property: Id(18)] int? RunsInClientProcess = null,
    [property: Id(19)] IReadOnlyList<string>? Warnings = null)
{
    public bool IsFinished => Phase is JobPhase.Completed or JobPhase.Failed or JobPhase.Cancelled;

    public static JobStatus NotFound(string jobId) =>
        new(jobId, JobPhase.None, 0, 0, 0, 0, TimeSpan.Zero, 0, 0, [], null, string.Empty);
}
