namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// The replicated application a Raft peer runs. The peer calls it on its grain scheduler, one call at a
/// time: committed commands in log order (each index once per activation), snapshots, and restores.
/// It must be deterministic: the same commands in the same order give the same state and results on every peer.
/// <see cref="Apply"/> may reject a command by throwing, provided it then leaves its state unchanged: every
/// peer rejects it alike, the caller gets a <c>RaftCommandFailedException</c>, and the group applies the next entry.
/// </summary>
public interface IRaftStateMachine
{
    /// <summary>Applies the committed command at <paramref name="index"/> and returns its result (may be empty).</summary>
    byte[] Apply(long index, byte[] command);

    /// <summary>A Raft entry of its own (a new leader's no-op, a configuration) was committed at <paramref name="index"/>: nothing to apply, the index is used.</summary>
    void ApplyNoOp(long index)
    {
    }

    /// <summary>
    /// Answers a read-only <paramref name="query"/> from the current state, changing nothing. The peer calls it only
    /// once it has applied every entry committed before the query arrived (ReadIndex), so the answer is linearizable.
    /// </summary>
    byte[] Query(byte[] query) => throw new NotSupportedException("This state machine answers no queries.");

    /// <summary>The state after the last applied command, to compact the log with.</summary>
    byte[] TakeSnapshot();

    /// <summary>
    /// Captures the state after the last applied command and returns the function that serializes it, as
    /// <see cref="TakeSnapshot"/> would have. The peer may run that function on another thread while it applies
    /// more commands, so a state machine whose state is large should capture cheaply here (a copy of references, with
    /// copy-on-write for what changes in place) and do the costly part in the function. By default the whole
    /// snapshot is taken here.
    /// </summary>
    Func<byte[]> CaptureSnapshot()
    {
        var snapshot = TakeSnapshot();
        return () => snapshot;
    }

    /// <summary>Replaces the state with a snapshot covering the log up to <paramref name="lastIncludedIndex"/>.</summary>
    void Restore(long lastIncludedIndex, byte[] snapshot);
}
