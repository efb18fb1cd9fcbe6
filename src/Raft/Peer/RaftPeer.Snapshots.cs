using RaftOrleans.Raft.Diagnostics;

namespace RaftOrleans.Raft.Peer;

internal sealed partial class RaftPeer
{
    /// <summary>
    /// Compacts the log when <see cref="SnapshotPolicy"/> says so (§7): captures the state machine here, at the
    /// index applied, has <see cref="SerializeSnapshot"/> turn the capture into bytes, and compacts the log to that
    /// index once they exist. Meanwhile the peer goes on applying, replicating and answering.
    /// </summary>
    private void MaybeSnapshot()
    {
        if (_snapshotting || !_snapshots.IsDue(Node.LastApplied - Node.LastIncludedIndex))
        {
            return;
        }

        _ = SnapshotAsync(Node.LastApplied);
    }

    private async Task SnapshotAsync(long index)
    {
        _snapshotting = true;
        var started = _time.GetTimestamp();
        byte[] data;
        try
        {
            _snapshots.Capturing();
            data = await SerializeSnapshot(_stateMachine.CaptureSnapshot());
        }
        catch (Exception exception)
        {
            // Keep the log; the next threshold tries again.
            LogSnapshotFailed(_logger, exception, Key, Group.StateMachine, index);
            _snapshotting = false;
            return;
        }

        RaftMetrics.SnapshotDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds, _groupTag);
        RaftMetrics.SnapshotSize.Record(data.Length, _groupTag);
        _snapshots.Serialized(data.Length);
        _serialized = (index, data);
        if (!_pumping)
        {
            // No Ready is out: the core may compact now. During a save, the Ready loop does it after Advance.
            try
            {
                CompactToSerialized();
            }
            catch (Exception exception)
            {
                Fail(exception);
            }

            Pump();
        }
    }

    private void CompactToSerialized()
    {
        if (_serialized is not { } snapshot)
        {
            return;
        }

        _serialized = null;
        _snapshotting = false;
        if (!IsStopped)
        {
            // Ignored when a snapshot from the leader already covers the index.
            Node.Snapshot(snapshot.Index, snapshot.Data);
        }
    }

    private static Task<byte[]> SerializeInline(Func<byte[]> serialize)
    {
        try
        {
            return Task.FromResult(serialize());
        }
        catch (Exception exception)
        {
            return Task.FromException<byte[]>(exception);
        }
    }
}
