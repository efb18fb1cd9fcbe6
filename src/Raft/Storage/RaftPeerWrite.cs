using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// The durable part of one <see cref="Ready"/>, applied by a store atomically in this order: store
/// <see cref="Snapshot"/> and drop the entries it covers; drop the entries from <see cref="TruncateFrom"/> on;
/// append <see cref="Entries"/>; store <see cref="HardState"/>.
/// </summary>
public sealed record RaftPeerWrite(
    HardState? HardState,
    RaftSnapshot? Snapshot,
    long? TruncateFrom,
    IReadOnlyList<LogEntry> Entries)
{
    public static RaftPeerWrite From(Ready ready) => new(ready.HardState, ready.Snapshot, ready.TruncateFrom, ready.Entries);

    /// <summary>Bytes of log and snapshot this write carries (what a store puts on disk, roughly).</summary>
    public long PayloadBytes => (Snapshot?.Data.Length ?? 0) + Entries.Sum(e => (long)e.Command.Length);
}
