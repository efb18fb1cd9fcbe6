using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// A deliberately broken store, kept to show the crash-point sweep can fail: it makes a save durable part by part
/// (hard state, snapshot, each dropped entry, each new entry), as the old record-per-segment layout did, and a
/// crash can strike between any two parts.
/// </summary>
public sealed class NonAtomicRaftStorage(CrashPlan plan) : IRaftStorage
{
    private readonly MemoryRaftStorage _claims = new();
    private readonly Dictionary<string, (HardState Hard, RaftSnapshot? Snapshot, SortedDictionary<long, LogEntry> Log)> _peers = [];

    public async Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location)
    {
        var claimed = await _claims.ClaimAsync(peer, join, location);
        return await ReadAsync(peer) with { Incarnation = claimed.Incarnation, Group = claimed.Group };
    }

    public async Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        if ((await _claims.ReadOwnerAsync(peer)).Incarnation != incarnation)
        {
            throw new RaftStorageFencedException(peer, incarnation);
        }

        var state = _peers.TryGetValue(peer, out var stored) ? stored : (HardState.Initial, null, new SortedDictionary<long, LogEntry>());
        _peers[peer] = state;
        if (write.HardState is { } hard)
        {
            plan.Reach();
            _peers[peer] = state = state with { Hard = hard };
        }

        if (write.Snapshot is { } snapshot)
        {
            plan.Reach();
            _peers[peer] = state = state with { Snapshot = snapshot };
            Drop(state.Log, state.Log.Keys.Where(i => i <= snapshot.LastIncludedIndex));
        }

        if (write.TruncateFrom is { } from)
        {
            Drop(state.Log, state.Log.Keys.Where(i => i >= from).OrderDescending());
        }

        foreach (var entry in write.Entries)
        {
            plan.Reach();
            state.Log[entry.Index] = entry;
        }
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => _claims.ReadOwnerAsync(peer);


    public Task RetireAsync(string peer, long incarnation, Membership successors) => _claims.RetireAsync(peer, incarnation, successors);

    public async Task<RaftPeerData> ReadAsync(string peer)
    {
        var claimed = await _claims.ReadAsync(peer);
        return _peers.TryGetValue(peer, out var state)
            ? new RaftPeerData(claimed.Incarnation, claimed.Group, state.Hard, state.Snapshot, [.. state.Log.Values])
            : claimed;
    }

    private void Drop(SortedDictionary<long, LogEntry> log, IEnumerable<long> indices)
    {
        foreach (var index in indices.ToList())
        {
            plan.Reach();
            log.Remove(index);
        }
    }
}
