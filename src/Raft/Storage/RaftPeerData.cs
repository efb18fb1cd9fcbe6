using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>A peer's durable state as stored: owner, group, Figure 2's persistent state, snapshot and the log after it.</summary>
/// <param name="Incarnation">The activation that owns the peer (0: never claimed).</param>
/// <param name="Entries">The log after the snapshot, in index order as the store returned it (unchecked).</param>
/// <param name="Retired">The peer was removed from its group (<see cref="IRaftStorage.RetireAsync"/>): it holds nothing and never runs again.</param>
public sealed record RaftPeerData(
    long Incarnation,
    RaftGroupConfig? Group,
    HardState HardState,
    RaftSnapshot? Snapshot,
    IReadOnlyList<LogEntry> Entries,
    bool Retired = false)
{
    public static RaftPeerData Empty { get; } = new(0, null, HardState.Initial, null, []);

    public long SnapshotIndex => Snapshot?.LastIncludedIndex ?? 0;

    public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : SnapshotIndex;
}
