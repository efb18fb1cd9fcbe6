using RaftOrleans.Raft.Core;
using Orleans.Storage;

namespace RaftOrleans.Grains.Raft.Storage;

/// <summary>
/// A peer's durable state as separate records of one grain storage provider: the hard record (group, term,
/// vote), the snapshot, and the log in fixed-size segments. Every write carries the record's ETag, so a
/// write from an activation that another one has superseded throws <see cref="InconsistentStateException"/>.
/// Crash consistency: the hard state is written before the entries it covers; a truncation deletes the
/// segments past the new end (highest first) before rewriting the one it cuts (or deleting it, when the cut
/// leaves it empty); a load stops at the first gap.
/// </summary>
internal sealed class RaftPeerStore(IGrainStorage storage, GrainId grainId, int entriesPerSegment)
{
    private const string HardName = "raft-hard";
    private const string SnapshotName = "raft-snapshot";

    private readonly StoredRecord<RaftHardRecord> _hard = new(new RaftHardRecord());
    private readonly StoredRecord<RaftSnapshotRecord> _snapshot = new(new RaftSnapshotRecord());

    /// <summary>Every segment record known to exist, by segment number; contents are dropped once written.</summary>
    private readonly SortedDictionary<long, StoredRecord<LogSegment>> _segments = [];

    public RaftHardRecord Hard => _hard.State;

    public RaftSnapshot? Snapshot => _snapshot.State.Snapshot;

    /// <summary>Reads everything; returns the log entries after the snapshot.</summary>
    public async Task<List<LogEntry>> LoadAsync()
    {
        await storage.ReadStateAsync(HardName, grainId, _hard);
        await storage.ReadStateAsync(SnapshotName, grainId, _snapshot);
        var expected = (Snapshot?.LastIncludedIndex ?? 0) + 1;
        var entries = new List<LogEntry>();
        var contiguous = true;
        for (var segment = SegmentOf(expected); ; segment++)
        {
            var record = new StoredRecord<LogSegment>(new LogSegment());
            await storage.ReadStateAsync(SegmentName(segment), grainId, record);
            if (!record.RecordExists)
            {
                break;
            }

            foreach (var entry in record.State.Entries)
            {
                if (contiguous && entry.Index == expected)
                {
                    entries.Add(entry);
                    expected++;
                }
                else if (entry.Index > expected)
                {
                    // Past a truncation that a crash interrupted: stale, rewritten or deleted by the next save.
                    contiguous = false;
                }
            }

            record.State = new LogSegment();
            _segments[segment] = record;
        }

        return entries;
    }

    /// <summary>Writes the group and bumps the incarnation: from now on, older activations cannot write.</summary>
    public Task ClaimAsync(Interfaces.Raft.RaftGroupConfig? group)
    {
        _hard.State.Group = group ?? _hard.State.Group;
        _hard.State.Incarnation++;
        return storage.WriteStateAsync(HardName, grainId, _hard);
    }

    /// <summary>
    /// Makes a Ready's state durable. <paramref name="entryAt"/> reads the core's log, which holds the
    /// entries of every segment this save rewrites; it is called before the first await, so later
    /// changes to the core cannot leak into this save.
    /// </summary>
    public async Task SaveAsync(Ready ready, long firstIndex, Func<long, LogEntry> entryAt)
    {
        var writes = PlanSegments(ready, firstIndex, entryAt, out var deletesPastEnd, out var compacted);

        if (ready.HardState is { } hardState)
        {
            _hard.State.HardState = hardState;
            await storage.WriteStateAsync(HardName, grainId, _hard);
        }

        if (ready.Snapshot is { } snapshot)
        {
            _snapshot.State.Snapshot = snapshot;
            await storage.WriteStateAsync(SnapshotName, grainId, _snapshot);
        }

        foreach (var segment in deletesPastEnd)
        {
            await DeleteAsync(segment);
        }

        foreach (var (segment, content) in writes)
        {
            var record = _segments.GetValueOrDefault(segment) ?? new StoredRecord<LogSegment>(new LogSegment());
            record.State = content;
            await storage.WriteStateAsync(SegmentName(segment), grainId, record);
            record.State = new LogSegment();
            _segments[segment] = record;
        }

        foreach (var segment in compacted)
        {
            await DeleteAsync(segment);
        }
    }

    private List<(long Segment, LogSegment Content)> PlanSegments(
        Ready ready,
        long firstIndex,
        Func<long, LogEntry> entryAt,
        out List<long> deletesPastEnd,
        out List<long> compacted)
    {
        var writes = new List<(long, LogSegment)>();
        deletesPastEnd = [];
        long? from = ready.TruncateFrom;
        if (ready.Entries.Count > 0)
        {
            from = Math.Min(from ?? long.MaxValue, ready.Entries[0].Index);
        }

        if (from is { } start)
        {
            // The log's new end: its last new entry, or (a truncation alone, e.g. behind an installed
            // snapshot) the entry before the cut. Segments from the cut to the end are rewritten from the
            // core; a segment left with no entry, and every segment past the end, is deleted.
            var end = ready.Entries.Count > 0 ? ready.Entries[^1].Index : start - 1;
            var firstSegment = SegmentOf(start);
            var lastSegment = Math.Max(firstSegment, SegmentOf(Math.Max(end, 1)));
            deletesPastEnd = _segments.Keys.Where(s => s > lastSegment).OrderDescending().ToList();
            for (var segment = lastSegment; segment >= firstSegment; segment--)
            {
                var first = Math.Max(segment * entriesPerSegment + 1, firstIndex);
                var last = Math.Min((segment + 1) * entriesPerSegment, end);
                if (last < first)
                {
                    if (_segments.ContainsKey(segment))
                    {
                        deletesPastEnd.Add(segment);
                    }

                    continue;
                }

                var content = new LogSegment();
                for (var index = first; index <= last; index++)
                {
                    content.Entries.Add(entryAt(index));
                }

                writes.Insert(0, (segment, content));
            }
        }

        var snapshotIndex = ready.Snapshot?.LastIncludedIndex ?? 0;
        compacted = snapshotIndex == 0
            ? []
            : _segments.Keys.Where(s => (s + 1) * entriesPerSegment <= snapshotIndex).ToList();
        return writes;
    }

    private async Task DeleteAsync(long segment)
    {
        if (_segments.Remove(segment, out var record))
        {
            await storage.ClearStateAsync(SegmentName(segment), grainId, record);
        }
    }

    private long SegmentOf(long index) => (index - 1) / entriesPerSegment;

    private static string SegmentName(long segment) => $"raft-log-{segment}";
}
