using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Raft.Peer;

/// <summary>
/// When a peer compacts its log (§7). A snapshot turns the whole state machine into bytes (off the peer's thread in a
/// grain) that are written with the peer's next save, so it costs what the state holds, not what the log it frees
/// holds. Compaction is due once <see cref="RaftOptions.SnapshotEveryEntries"/> entries or
/// <see cref="RaftOptions.SnapshotAfterBytes"/> bytes of commands were applied since the last snapshot, and not before
/// those commands reach <see cref="RaftOptions.SnapshotLogToStateRatio"/> times the last snapshot's size: the bytes
/// spent on snapshots then stay proportional to the bytes applied, however large the state grows (with a fixed
/// count alone, a state of 50 MB taking 6,000 puts a second was copied and written every 1.7 s). Peers of one group
/// apply the same commands, so with one ratio they would all snapshot at the same index and write a state-sized blob
/// at once (three 69 MB saves took 2-4 s together, and the followers elected a new leader inside them). Peer
/// <c>i</c> of <c>n</c> therefore takes its first snapshot under the ratio rule <c>i/n</c> of a period late
/// (<see cref="Stagger"/>), and then keeps the same period as the others: their snapshots stay that far apart.
/// </summary>
internal sealed class SnapshotPolicy(RaftOptions options, long lastSnapshotBytes, double stagger = 0)
{
    private long _lastSnapshotBytes = lastSnapshotBytes;

    /// <summary>The phase offset has not been spent yet: no snapshot was taken since one with a size to wait for.</summary>
    private bool _staggerPending = stagger > 0;

    /// <summary>Bytes of commands applied since the last snapshot: what compaction would free, roughly.</summary>
    private long _appliedBytes;

    public void Applied(int commandBytes) => _appliedBytes += commandBytes;

    /// <param name="entries">Entries applied since the last snapshot.</param>
    public bool IsDue(long entries) =>
        entries > 0
        && ((options.SnapshotEveryEntries > 0 && entries >= options.SnapshotEveryEntries)
            || (options.SnapshotAfterBytes > 0 && _appliedBytes >= options.SnapshotAfterBytes))
        && _appliedBytes >= options.SnapshotLogToStateRatio * (_staggerPending ? 1 + stagger : 1) * _lastSnapshotBytes;

    /// <summary>Where peer <paramref name="self"/> of <paramref name="peerIds"/> sits between 0 (the first) and 1.</summary>
    public static double Stagger(string self, IReadOnlyList<string> peerIds)
    {
        for (var i = 0; i < peerIds.Count; i++)
        {
            if (peerIds[i] == self)
            {
                return i / (double)peerIds.Count;
            }
        }

        return 0;
    }

    /// <summary>A snapshot of everything applied so far is being taken: the count starts again (also if taking it fails).</summary>
    public void Capturing()
    {
        _staggerPending &= _lastSnapshotBytes == 0;
        _appliedBytes = 0;
    }

    /// <summary>The snapshot being taken came to <paramref name="bytes"/>.</summary>
    public void Serialized(long bytes) => _lastSnapshotBytes = bytes;

    /// <summary>A snapshot of <paramref name="bytes"/> from the leader now covers everything applied.</summary>
    public void Covered(long bytes)
    {
        Capturing();
        Serialized(bytes);
    }
}
