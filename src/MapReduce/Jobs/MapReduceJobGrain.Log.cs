using Microsoft.Extensions.Logging;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.MapReduce.Jobs;

internal sealed partial class MapReduceJobGrain
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Job {JobId} submitted: app {App}, {Files} input files in {Maps} map tasks, {Reduces} reduce tasks")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string app, int files, int maps, int reduces);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Job {JobId} resumed in phase {Phase} on a new activation")]
    private static partial void LogResumed(ILogger logger, string jobId, JobPhase phase);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Job {JobId}: {Kind} task {Index} committed from attempt {Attempt}")]
    private static partial void LogTaskCommitted(ILogger logger, string jobId, TaskKind kind, int index, int attempt);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Debug, Message = "Job {JobId}: {Kind} task {Index} attempt {Attempt} finished after the task was committed; ignored")]
    private static partial void LogDuplicateIgnored(ILogger logger, string jobId, TaskKind kind, int index, int attempt);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Job {JobId}: {Kind} task {Index} attempt {Attempt} reported an error: {Error}")]
    private static partial void LogTaskError(ILogger logger, string jobId, TaskKind kind, int index, int attempt, string error);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information, Message = "Job {JobId}: handing {Kind} task {Index} out again: {Reason}")]
    private static partial void LogReissue(ILogger logger, string jobId, TaskKind kind, int index, string reason);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Job {JobId}: could not start {Kind} task {Index} attempt {Attempt}")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string jobId, TaskKind kind, int index, int attempt);

    [LoggerMessage(EventId = 1108, Level = LogLevel.Warning, Message = "Job {JobId}: could not commit {AttemptFile}")]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string jobId, string attemptFile);

    [LoggerMessage(EventId = 1109, Level = LogLevel.Information, Message = "Job {JobId} finished: {Phase} after {Elapsed}")]
    private static partial void LogFinished(ILogger logger, string jobId, JobPhase phase, TimeSpan elapsed);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Job {JobId}: could not remove work directory {Directory}")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string jobId, string directory);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Job {JobId}: backup attempt {Attempt} of straggling {Kind} task {Index}, away from silo {Straggler}")]
    private static partial void LogBackup(ILogger logger, string jobId, TaskKind kind, int index, int attempt, string straggler);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "Job {JobId}: not every running attempt heard of the cancellation ({Reason}); their reports will be ignored")]
    private static partial void LogCancelNotDelivered(ILogger logger, string jobId, string reason);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Job {JobId}: {Kind} task {Index} attempt {Attempt} reported an error, but attempt {Current} is the one running; ignored")]
    private static partial void LogStaleFailureIgnored(ILogger logger, string jobId, TaskKind kind, int index, int attempt, int current);
}
