using RaftOrleans.Raft.Core;
using Orleans.Storage;

namespace RaftOrleans.Grains.Raft.Storage;

/// <summary>
/// A peer's durable state as separate records of one grain storage provider: the hard record (group, term,
/// vote), the snapshot, and the log in fixed-size segments. Every write carries the record's ETag, so a
/// write from an activation that another one has superseded throws <see cref="InconsistentStateException"/>.
/// Fencing relies on records, once created, never disappearing while an older activation might still write
/// them (providers such as Redis accept any write to a missing key): a truncation empties segments instead of
/// deleting them, and only segments wholly behind the snapshot, which no load reads again, are deleted.
/// Crash consistency: the hard state is written before the entries it covers; a truncation empties the
/// segments past the new end (highest first) before rewriting the one it cuts; a load stops at the first
/// missing segment and ignores entries past a gap.
/// </summary>
internal sealed class RaftPeerStore(IGrainStorage storage, GrainId grainId, int entriesPerSegment)
{
    private const string HardName = "raft-hard";
    private const string SnapshotName = "raft-snapshot";

    private readonly StoredRecord<RaftHardRecord> _hard = new(new RaftHardRecord());
    private readonly StoredRecord<RaftSnapshotRecord> _snapshot = new(new RaftSnapshotRecord());

    /// <summary>Every live segment record (at or past the snapshot), by number; contents are dropped once written or claimed.</summary>
    private readonly SortedDictionary<long, StoredRecord<LogSegment>> _segments = [];

    /// <summary>The segments in <see cref="_segments"/> whose stored record holds no entry.</summary>
    private readonly HashSet<long> _empty = [];

    /// <summary>Hard-record writes started; with <see cref="_hardWriting"/>, tells an ownership check that raced a write.</summary>
    private long _hardWrites;

    private bool _hardWriting;

    /// <summary>The index after the last entry loaded; its segment is where an older activation's next append lands.</summary>
    private long _loadedEnd = 1;

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
                    // Past a truncation that a crash interrupted: stale, rewritten or emptied by the next save.
                    contiguous = false;
                }
            }

            _segments[segment] = record;
            if (record.State.Entries.Count == 0)
            {
                _empty.Add(segment);
            }
        }

        _loadedEnd = expected;
        return entries;
    }

    /// <summary>
    /// Claims every record an older activation could still write by writing it, so each one's ETag moves on:
    /// the hard record (bumping the incarnation), the snapshot, every loaded segment, and the segment the next
    /// append would create. A save of an older activation still in flight then fails on the first record it
    /// reaches instead of landing behind what this activation loaded (an append changes no hard state, so
    /// fencing the hard record alone would let it through, to be acknowledged). Costs one write per live
    /// segment, bounded by the snapshot thresholds.
    /// </summary>
    public async Task ClaimAsync(Interfaces.Raft.RaftGroupConfig? group)
    {
        _hard.State.Group = group ?? _hard.State.Group;
        _hard.State.Incarnation++;
        await WriteHardAsync();
        await storage.WriteStateAsync(SnapshotName, grainId, _snapshot);

        var next = SegmentOf(_loadedEnd);
        if (!_segments.ContainsKey(next))
        {
            _segments[next] = new StoredRecord<LogSegment>(new LogSegment());
            _empty.Add(next);
        }

        foreach (var (segment, record) in _segments)
        {
            await storage.WriteStateAsync(SegmentName(segment), grainId, record);
            record.State = new LogSegment();
        }
    }

    /// <summary>
    /// Makes a Ready's state durable. <paramref name="entryAt"/> reads the core's log, which holds the
    /// entries of every segment this save rewrites; it is called before the first await, so later
    /// changes to the core cannot leak into this save.
    /// </summary>
    public async Task SaveAsync(Ready ready, long firstIndex, Func<long, LogEntry> entryAt)
    {
        var writes = PlanSegments(ready, firstIndex, entryAt, out var compacted);

        if (ready.HardState is { } hardState)
        {
            _hard.State.HardState = hardState;
            await WriteHardAsync();
        }

        if (ready.Snapshot is { } snapshot)
        {
            _snapshot.State.Snapshot = snapshot;
            await storage.WriteStateAsync(SnapshotName, grainId, _snapshot);
        }

        foreach (var (segment, content) in writes)
        {
            var record = _segments.GetValueOrDefault(segment) ?? new StoredRecord<LogSegment>(new LogSegment());
            record.State = content;
            await storage.WriteStateAsync(SegmentName(segment), grainId, record);
            record.State = new LogSegment();
            _segments[segment] = record;
            if (content.Entries.Count == 0)
            {
                _empty.Add(segment);
            }
            else
            {
                _empty.Remove(segment);
            }
        }

        foreach (var segment in compacted)
        {
            if (_segments.Remove(segment, out var record))
            {
                _empty.Remove(segment);
                await storage.ClearStateAsync(SegmentName(segment), grainId, record);
            }
        }
    }

    /// <summary>
    /// The segment writes of a save, in order: first the segments past the log's new end that still hold
    /// entries, emptied highest first, then the segments from the first changed index to the end, lowest
    /// first. <paramref name="compacted"/> lists the segments wholly behind a new snapshot.
    /// </summary>
    /// <summary>
    /// False once another activation has claimed the records: the stored hard record's ETag is no longer the one
    /// this activation wrote last. A check that overlaps a write of this activation answers true (the next
    /// check, or the write itself, decides).
    /// </summary>
    public async Task<bool> IsStillOwnerAsync()
    {
        if (_hardWriting)
        {
            return true;
        }

        var writes = _hardWrites;
        var probe = new StoredRecord<RaftHardRecord>(new RaftHardRecord());
        await storage.ReadStateAsync(HardName, grainId, probe);
        return _hardWriting || _hardWrites != writes || probe.ETag == _hard.ETag;
    }

    private async Task WriteHardAsync()
    {
        _hardWriting = true;
        _hardWrites++;
        try
        {
            await storage.WriteStateAsync(HardName, grainId, _hard);
        }
        finally
        {
            _hardWriting = false;
        }
    }

    private List<(long Segment, LogSegment Content)> PlanSegments(
        Ready ready,
        long firstIndex,
        Func<long, LogEntry> entryAt,
        out List<long> compacted)
    {
        var emptied = new List<(long, LogSegment)>();
        var rewritten = new List<(long, LogSegment)>();
        long? from = ready.TruncateFrom;
        if (ready.Entries.Count > 0)
        {
            from = Math.Min(from ?? long.MaxValue, ready.Entries[0].Index);
        }

        if (from is { } start)
        {
            // The log's new end: its last new entry, or (a truncation alone, e.g. behind an installed
            // snapshot) the entry before the cut. Segments from the cut to the end are rewritten from the
            // core; a segment left with no entry, and every segment past the end, is emptied.
            var end = ready.Entries.Count > 0 ? ready.Entries[^1].Index : start - 1;
            var firstSegment = SegmentOf(start);
            var lastSegment = Math.Max(firstSegment, SegmentOf(Math.Max(end, 1)));
            foreach (var segment in _segments.Keys.Where(s => s > lastSegment && !_empty.Contains(s)).OrderDescending())
            {
                emptied.Add((segment, new LogSegment()));
            }

            for (var segment = lastSegment; segment >= firstSegment; segment--)
            {
                var content = new LogSegment();
                var first = Math.Max(segment * entriesPerSegment + 1, firstIndex);
                var last = Math.Min((segment + 1) * entriesPerSegment, end);
                for (var index = first; index <= last; index++)
                {
                    content.Entries.Add(entryAt(index));
                }

                if (content.Entries.Count > 0)
                {
                    rewritten.Insert(0, (segment, content));
                }
                else if (_segments.ContainsKey(segment) && !_empty.Contains(segment))
                {
                    emptied.Add((segment, content));
                }
            }
        }

        var snapshotIndex = ready.Snapshot?.LastIncludedIndex ?? 0;
        compacted = snapshotIndex == 0
            ? []
            : _segments.Keys.Where(s => (s + 1) * entriesPerSegment <= snapshotIndex).ToList();
        return [.. emptied, .. rewritten];
    }

    private long SegmentOf(long index) => (index - 1) / entriesPerSegment;

    private static string SegmentName(long segment) => $"raft-log-{segment}";
}
