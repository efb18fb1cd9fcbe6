using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>A peer's durable state as stored: owner, group, Figure 2's persistent state, snapshot and the log after it.</summary>
/// <param name="Incarnation">The activation that owns the peer (0: never claimed).</param>
/// <param name="Entries">The log after the snapshot, in index order as the store returned it (unchecked).</param>
/// <param name="Successors">
/// Set once the peer was removed from its group (<see cref="IRaftStorage.RetireAsync"/>): the configuration that
/// removed it. It holds nothing else and never runs again.
/// </param>
public sealed record RaftPeerData(
    long Incarnation,
    RaftGroupConfig? Group,
    HardState HardState,
    RaftSnapshot? Snapshot,
    IReadOnlyList<LogEntry> Entries,
    Membership? Successors = null)
{
    public bool Retired => Successors is not null;

    public static RaftPeerData Empty { get; } = new(0, null, HardState.Initial, null, []);

    public long SnapshotIndex => Snapshot?.LastIncludedIndex ?? 0;

    public long LastIndex => Entries.Count > 0 ? Entries[^1].Index : SnapshotIndex;
}
