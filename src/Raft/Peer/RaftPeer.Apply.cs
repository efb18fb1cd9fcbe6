using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Diagnostics;

namespace RaftOrleans.Raft.Peer;

internal sealed partial class RaftPeer
{
    /// <summary>
    /// While a save is out (a snapshot's can outlast an election timeout), the peer goes on with what needs nothing of
    /// it: heartbeats and the rounds that confirm reads leave now, entries the acknowledgements commit are applied, and
    /// confirmed reads are answered.
    /// </summary>
    private void ServeDuringSave()
    {
        if (!_pumping || IsStopped)
        {
            return;
        }

        Send(Node.TakeMessages());
        var committed = Node.TakeCommittedEntries();
        if (committed.Count > 0)
        {
            CommittedTaken?.Invoke(committed);
            Apply(null, committed);
        }

        ServeReads(Node.TakeReadStates());
    }

    private void Apply(RaftSnapshot? snapshotToApply, IReadOnlyList<LogEntry> committed)
    {
        if (snapshotToApply is { } snapshot)
        {
            try
            {
                _stateMachine.Restore(snapshot.LastIncludedIndex, snapshot.Data);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException($"Raft peer '{Key}': the state machine '{Group.StateMachine}' could not restore the snapshot at index {snapshot.LastIncludedIndex}.", exception);
            }

            FailWaitersUpTo(snapshot.LastIncludedIndex, "was covered by a snapshot from the leader");
            _snapshots.Covered(snapshot.Data.Length);
            _appliedIndex = Math.Max(_appliedIndex, snapshot.LastIncludedIndex);
        }

        if (committed.Count > 0)
        {
            RaftMetrics.EntriesApplied.Add(committed.Count, _groupTag);
            RaftMetrics.ApplyBatch.Record(committed.Count, _groupTag);
        }

        foreach (var entry in committed)
        {
            var outcome = ApplyEntry(entry);
            _appliedIndex = entry.Index;
            if (_waiters.Remove(entry.Index, out var waiter))
            {
                if (waiter.Term != entry.Term)
                {
                    // Another leader's entry at our index means ours was overwritten and never committed.
                    waiter.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}': the entry at index {entry.Index} of term {waiter.Term} was replaced by one of term {entry.Term}."));
                }
                else if (outcome.Failure is { } failure)
                {
                    waiter.Completion.TrySetException(new RaftCommandFailedException(Key, entry.Index, failure.Message));
                }
                else
                {
                    RaftMetrics.CommitDuration.Record(_time.GetElapsedTime(waiter.Started).TotalMilliseconds, _groupTag);
                    waiter.Completion.TrySetResult(outcome.Result);
                }
            }
        }
    }

    /// <summary>
    /// Applies one committed entry. A state machine that throws has failed this command deterministically (the
    /// contract of <see cref="IRaftStateMachine"/>): every peer fails it alike and changes nothing, so the peer
    /// reports it to the caller and goes on, rather than stopping the whole group on one bad command.
    /// </summary>
    private (byte[] Result, Exception? Failure) ApplyEntry(LogEntry entry)
    {
        try
        {
            if (entry.Kind != LogEntryKind.Command)
            {
                _stateMachine.ApplyNoOp(entry.Index);
                return ([], null);
            }

            _snapshots.Applied(entry.Command.Length);
            return (_stateMachine.Apply(entry.Index, entry.Command), null);
        }
        catch (Exception exception)
        {
            LogApplyFailed(_logger, exception, Key, Group.StateMachine, entry.Index);
            return ([], exception);
        }
    }
}
