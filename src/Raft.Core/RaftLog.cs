namespace RaftOrleans.Raft.Core;

/// <summary>
/// The in-memory log of one peer with absolute indices. Entries up to <see cref="SnapshotIndex"/> were compacted
/// into a snapshot (§7); the entry with index i lives at position i - FirstIndex.
/// Invariant: every retained entry has Index == SnapshotIndex + 1 + position, and terms never decrease along the log.
/// </summary>
public sealed class RaftLog
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>Creates a log holding the entries that follow a snapshot (or the empty log).</summary>
    public RaftLog(long snapshotIndex, long snapshotTerm, IEnumerable<LogEntry> entries)
    {
        SnapshotIndex = snapshotIndex;
        SnapshotTerm = snapshotTerm;
        foreach (var entry in entries)
        {
            if (entry.Index <= snapshotIndex)
            {
                continue;
            }

            Append(entry);
        }
    }

    /// <summary>lastIncludedIndex: the last index covered by the snapshot (0 when none).</summary>
    public long SnapshotIndex { get; private set; }

    /// <summary>lastIncludedTerm: the term of the entry at <see cref="SnapshotIndex"/> (0 when none).</summary>
    public long SnapshotTerm { get; private set; }

    /// <summary>Index of the first retained entry.</summary>
    public long FirstIndex => SnapshotIndex + 1;

    /// <summary>Index of the last entry (equal to <see cref="SnapshotIndex"/> when no entry is retained).</summary>
    public long LastIndex => SnapshotIndex + _entries.Count;

    /// <summary>Term of the last entry.</summary>
    public long LastTerm => _entries.Count == 0 ? SnapshotTerm : _entries[^1].Term;

    /// <summary>The term at <paramref name="index"/>, or null when it was compacted away or is past the end.</summary>
    public long? TryTerm(long index)
    {
        if (index == SnapshotIndex)
        {
            return SnapshotTerm;
        }

        if (index < SnapshotIndex || index > LastIndex)
        {
            return null;
        }

        return _entries[(int)(index - FirstIndex)].Term;
    }

    /// <summary>The retained entry at <paramref name="index"/>.</summary>
    public LogEntry Entry(long index)
    {
        if (index < FirstIndex || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Log holds [{FirstIndex}, {LastIndex}].");
        }

        return _entries[(int)(index - FirstIndex)];
    }

    /// <summary>Appends one entry; its index must be <see cref="LastIndex"/> + 1.</summary>
    public void Append(LogEntry entry)
    {
        if (entry.Index != LastIndex + 1)
        {
            throw new InvalidOperationException($"Append of index {entry.Index} after {LastIndex}.");
        }

        if (entry.Term < LastTerm)
        {
            throw new InvalidOperationException($"Append of term {entry.Term} after term {LastTerm}.");
        }

        _entries.Add(entry);
    }

    /// <summary>Removes every entry with index &gt;= <paramref name="index"/> (a conflicting suffix, §5.3).</summary>
    public void TruncateFrom(long index)
    {
        if (index <= SnapshotIndex)
        {
            throw new InvalidOperationException($"Truncation at {index} inside the snapshot (<= {SnapshotIndex}).");
        }

        if (index <= LastIndex)
        {
            _entries.RemoveRange((int)(index - FirstIndex), (int)(LastIndex - index + 1));
        }
    }

    /// <summary>
    /// Discards the entries covered by a snapshot ending at (<paramref name="index"/>, <paramref name="term"/>).
    /// If the log holds that entry, the suffix after it is kept (Figure 13 step 6); otherwise the whole log goes
    /// (step 7). Returns true when the suffix was kept.
    /// </summary>
    public bool CompactTo(long index, long term)
    {
        if (index <= SnapshotIndex)
        {
            return true;
        }

        var keepSuffix = TryTerm(index) == term;
        if (keepSuffix)
        {
            _entries.RemoveRange(0, (int)(index - SnapshotIndex));
        }
        else
        {
            _entries.Clear();
        }

        SnapshotIndex = index;
        SnapshotTerm = term;
        return keepSuffix;
    }

    /// <summary>Entries [lo, hi] (clamped to the retained log), at most <paramref name="maxCount"/> and about <paramref name="maxBytes"/>.</summary>
    public LogEntry[] Slice(long lo, long hi, int maxCount = int.MaxValue, long maxBytes = long.MaxValue)
    {
        lo = Math.Max(lo, FirstIndex);
        hi = Math.Min(hi, LastIndex);
        if (lo > hi)
        {
            return [];
        }

        var result = new List<LogEntry>((int)Math.Min(hi - lo + 1, Math.Min(maxCount, 1024)));
        long bytes = 0;
        for (var i = lo; i <= hi && result.Count < maxCount; i++)
        {
            var entry = _entries[(int)(i - FirstIndex)];
            bytes += entry.SizeEstimate;
            if (result.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            result.Add(entry);
        }

        return [.. result];
    }

    /// <summary>
    /// The election restriction (§5.4.1): a log ending at (<paramref name="lastIndex"/>, <paramref name="lastTerm"/>)
    /// is at least as up-to-date as ours if its last term is higher, or equal with an index at least ours.
    /// </summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>The first retained index whose term equals the term at <paramref name="index"/> (a fast-backtracking hint).</summary>
    public long FirstIndexOfTermAt(long index)
    {
        var term = TryTerm(index) ?? throw new ArgumentOutOfRangeException(nameof(index));
        var i = index;
        while (i > FirstIndex && TryTerm(i - 1) == term)
        {
            i--;
        }

        return Math.Max(i, FirstIndex);
    }

    /// <summary>The last index &lt;= <paramref name="upTo"/> whose entry has term <paramref name="term"/>, or null.</summary>
    public long? LastIndexOfTerm(long term, long upTo)
    {
        for (var i = Math.Min(upTo, LastIndex); i >= SnapshotIndex; i--)
        {
            var t = TryTerm(i)!.Value;
            if (t == term)
            {
                return i;
            }

            if (t < term)
            {
                return null;
            }
        }

        return null;
    }
}
