using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Raft.Storage;

/// <summary>
/// Entries [k·S + 1, (k+1)·S] of the log, stored as one record ("raft-log-k"). Appending rewrites only
/// the segment(s) the new entries fall in, so its cost does not grow with the length of the log.
/// </summary>
[GenerateSerializer, Alias("raft.LogSegment")]
public sealed class LogSegment
{
    /// <summary>Entries in index order, contiguous.</summary>
    [Id(0)] public List<LogEntry> Entries { get; set; } = [];
}
