namespace RaftOrleans.Raft.Storage;

/// <summary>
/// What a loaded peer state must satisfy before a peer may run on it. A store that writes each Ready atomically
/// always passes; anything else is a storage fault, reported with the peer, the record and the index.
/// </summary>
public static class RaftPeerDataValidator
{
    /// <exception cref="RaftStorageCorruptException">The log does not chain.</exception>
    public static RaftPeerData Validate(string peer, RaftPeerData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var snapshotIndex = data.SnapshotIndex;
        var previousTerm = data.Snapshot?.LastIncludedTerm ?? 0;
        if (data.Snapshot is { } snapshot && (snapshot.LastIncludedIndex < 1 || snapshot.LastIncludedTerm < 1))
        {
            throw new RaftStorageCorruptException(peer, "snapshot", snapshot.LastIncludedIndex, $"a snapshot needs an index and a term of at least 1, found term {snapshot.LastIncludedTerm}");
        }

        for (var k = 0; k < data.Entries.Count; k++)
        {
            var entry = data.Entries[k];
            var expected = snapshotIndex + 1 + k;
            if (entry.Index <= snapshotIndex)
            {
                throw new RaftStorageCorruptException(peer, "log", entry.Index, $"the entry is covered by the snapshot ending at {snapshotIndex}");
            }

            if (entry.Index != expected)
            {
                throw new RaftStorageCorruptException(peer, "log", expected, $"the log is not contiguous: index {expected} expected, {entry.Index} found");
            }

            if (entry.Term < 1 || entry.Term < previousTerm)
            {
                throw new RaftStorageCorruptException(peer, "log", entry.Index, $"term {entry.Term} follows term {previousTerm}; terms never decrease along a log");
            }

            previousTerm = entry.Term;
        }

        if (data.HardState.CurrentTerm < previousTerm)
        {
            throw new RaftStorageCorruptException(peer, "hard state", data.LastIndex, $"current term {data.HardState.CurrentTerm} is below the term {previousTerm} of the log it covers");
        }

        return data;
    }
}
