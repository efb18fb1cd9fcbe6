using System.Collections.Concurrent;
using System.Collections.Immutable;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// Raft storage in this process's memory: atomic and fenced like the durable stores, gone with the process.
/// For tests, the simulator and benchmarks; every call completes synchronously.
/// </summary>
public sealed class MemoryRaftStorage : IRaftStorage
{
    private readonly ConcurrentDictionary<string, Slot> _peers = new(StringComparer.Ordinal);
    private long _saves;

    /// <summary>Saves that completed, over all peers.</summary>
    public long Saves => Interlocked.Read(ref _saves);

    public Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location)
    {
        if (join is null && !_peers.ContainsKey(peer))
        {
            return Task.FromResult(RaftPeerData.Empty);
        }

        var slot = _peers.GetOrAdd(peer, _ => new Slot());
        lock (slot)
        {
            slot.Incarnation++;
            slot.Group ??= join;
            slot.Location = location;
            return Task.FromResult(slot.ToData());
        }
    }

    public Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        if (!_peers.TryGetValue(peer, out var slot))
        {
            return Task.FromException(new RaftStorageFencedException(peer, incarnation));
        }

        lock (slot)
        {
            if (slot.Incarnation != incarnation)
            {
                return Task.FromException(new RaftStorageFencedException(peer, incarnation));
            }

            var entries = slot.Entries;
            if (write.Snapshot is { } snapshot)
            {
                slot.Snapshot = snapshot;
                entries = entries.RemoveAll(e => e.Index <= snapshot.LastIncludedIndex);
            }

            if (write.TruncateFrom is { } from)
            {
                entries = entries.RemoveAll(e => e.Index >= from);
            }

            slot.Entries = entries.AddRange(write.Entries);
            slot.HardState = write.HardState ?? slot.HardState;
        }

        Interlocked.Increment(ref _saves);
        return Task.CompletedTask;
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer)
    {
        if (!_peers.TryGetValue(peer, out var slot))
        {
            return Task.FromResult(RaftPeerOwner.None);
        }

        lock (slot)
        {
            return Task.FromResult(new RaftPeerOwner(slot.Incarnation, slot.Group, slot.Location));
        }
    }

    public Task<RaftPeerData> ReadAsync(string peer)
    {
        if (!_peers.TryGetValue(peer, out var slot))
        {
            return Task.FromResult(RaftPeerData.Empty);
        }

        lock (slot)
        {
            return Task.FromResult(slot.ToData());
        }
    }

    public Task RetireAsync(string peer, long incarnation, Membership successors)
    {
        if (!_peers.TryGetValue(peer, out var slot))
        {
            return Task.FromException(new RaftStorageFencedException(peer, incarnation));
        }

        lock (slot)
        {
            if (slot.Incarnation != incarnation)
            {
                return Task.FromException(new RaftStorageFencedException(peer, incarnation));
            }

            slot.Successors = successors;
            slot.HardState = HardState.Initial;
            slot.Snapshot = null;
            slot.Entries = [];
        }

        return Task.CompletedTask;
    }

    private sealed class Slot
    {
        public long Incarnation { get; set; }

        public RaftGroupConfig? Group { get; set; }

        public string? Location { get; set; }

        public HardState HardState { get; set; } = HardState.Initial;

        public RaftSnapshot? Snapshot { get; set; }

        /// <summary>Immutable, so a read hands it out without copying and later saves cannot change it.</summary>
        public ImmutableList<LogEntry> Entries { get; set; } = [];

        public Membership? Successors { get; set; }

        public RaftPeerData ToData() => new(Incarnation, Group, HardState, Snapshot, Entries, Successors);
    }
}
