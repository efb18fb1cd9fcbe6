using RaftOrleans.Raft.Core;
using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;
using RaftOrleans.Raft.Storage.Sqlite;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The Raft test silos' storage: the real one, except that a test can make the next claims by which a chosen peer
/// joins its group fail with an error that is not a fencing one (a disk or network fault), or hold a chosen peer's
/// claims until released (a peer that never answers, as on a paused silo).
/// </summary>
public sealed class FaultyRaftStorage(SqliteRaftStorage inner) : IRaftStorage, IDisposable
{
    private static readonly ConcurrentDictionary<string, int> FailingClaims = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Task> HeldClaims = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> claims that join <paramref name="peer"/> to a group throw an <see cref="IOException"/>.</summary>
    public static void FailNextJoins(string peer, int times) => FailingClaims[peer] = times;

    /// <summary>Claims of <paramref name="peer"/> wait until <paramref name="release"/> completes: its activation never starts meanwhile.</summary>
    public static void HoldClaims(string peer, Task release) => HeldClaims[peer] = release;

    public async Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location)
    {
        if (HeldClaims.TryGetValue(peer, out var release))
        {
            await release;
        }

        if (join is not null && FailingClaims.TryGetValue(peer, out var left) && left > 0 && FailingClaims.TryUpdate(peer, left - 1, left))
        {
            throw new IOException($"injected: the storage of '{peer}' is unavailable");
        }

        return await inner.ClaimAsync(peer, join, location);
    }

    public Task SaveAsync(string peer, long incarnation, RaftPeerWrite write) => inner.SaveAsync(peer, incarnation, write);

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => inner.ReadOwnerAsync(peer);


    public Task RetireAsync(string peer, long incarnation, Membership successors) => inner.RetireAsync(peer, incarnation, successors);

    public Task<RaftPeerData> ReadAsync(string peer) => inner.ReadAsync(peer);

    public void Dispose() => inner.Dispose();
}
