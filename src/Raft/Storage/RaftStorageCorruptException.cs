namespace RaftOrleans.Raft.Storage;

/// <summary>A peer's stored state breaks an invariant of the log: a storage fault, never applied.</summary>
public sealed class RaftStorageCorruptException(string peer, string record, long index, string problem)
    : Exception($"Raft peer '{peer}': stored {record} at index {index} is corrupt: {problem}.")
{
    public string Peer { get; } = peer;

    /// <summary>Which part of the state is broken: "log", "snapshot" or "hard state".</summary>
    public string Record { get; } = record;

    public long Index { get; } = index;
}
