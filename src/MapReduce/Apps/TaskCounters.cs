using System.Collections.Concurrent;

namespace RaftOrleans.MapReduce.Apps;

/// <summary>
/// Named counters of one task attempt (the paper's §4.9): apps add their own, the runners keep the built-in ones.
/// A job sums them over committed attempts only, so a re-executed or backup attempt never counts twice.
/// </summary>
public sealed class TaskCounters
{
    public const string InputBytes = "input bytes";
    public const string InputRecords = "input records";
    public const string MapOutputRecords = "map output records";
    public const string ReduceInputGroups = "reduce input groups";
    public const string OutputRecords = "output records";

    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private long _changes;

    /// <summary>Changes so far: what the task's progress reports compare to tell work from a stall.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    public void Increment(string name, long by = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _counts.AddOrUpdate(name, by, (_, count) => count + by);
        Interlocked.Increment(ref _changes);
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new Dictionary<string, long>(_counts, StringComparer.Ordinal);
}
