namespace RaftOrleans.Raft.Core;

/// <summary>
/// Which configuration is in force at each point of one peer's log: the one its snapshot holds, then one per
/// configuration entry after it. The latest is in force (§4.1: a peer uses the newest configuration in its log,
/// committed or not); truncating an entry restores the one before it.
/// </summary>
internal sealed class MembershipLog
{
    private readonly List<(long Index, Membership Membership)> _entries = [];

    public MembershipLog(Membership atSnapshot) => AtSnapshot = atSnapshot;

    /// <summary>The configuration as of the snapshot (or the group's initial one).</summary>
    public Membership AtSnapshot { get; private set; }

    /// <summary>The configuration in force: the latest in the log.</summary>
    public Membership Current => _entries.Count > 0 ? _entries[^1].Membership : AtSnapshot;

    /// <summary>The index of <see cref="Current"/>'s entry; 0 when it comes from the snapshot or the initial configuration.</summary>
    public long CurrentIndex => _entries.Count > 0 ? _entries[^1].Index : 0;

    /// <summary>A configuration entry was appended at <paramref name="index"/>.</summary>
    public void Appended(long index, Membership membership) => _entries.Add((index, membership));

    /// <summary>The log lost every entry from <paramref name="index"/> on.</summary>
    public void TruncatedFrom(long index) => _entries.RemoveAll(e => e.Index >= index);

    /// <summary>The configuration in force at <paramref name="index"/> (at or after the snapshot).</summary>
    public Membership At(long index)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Index <= index)
            {
                return _entries[i].Membership;
            }
        }

        return AtSnapshot;
    }

    /// <summary>The log was compacted up to <paramref name="index"/> (the suffix after it kept).</summary>
    public void CompactedTo(long index)
    {
        AtSnapshot = At(index);
        _entries.RemoveAll(e => e.Index <= index);
    }

    /// <summary>A snapshot from the leader, holding <paramref name="atSnapshot"/>, replaced the log up to <paramref name="index"/> (or all of it).</summary>
    public void Restored(long index, Membership atSnapshot, bool keptSuffix)
    {
        AtSnapshot = atSnapshot;
        _entries.RemoveAll(e => !keptSuffix || e.Index <= index);
    }
}
