using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// One activation's handle on its peer's durable state. It claims the peer before reading it, so everything an
/// older activation saved (and so may have acknowledged) is either in what this one loads or rejected by the
/// store; then every save carries this activation's incarnation, which the store checks inside the same atomic
/// write. What it loads is validated (<see cref="RaftPeerDataValidator"/>) before any peer runs on it.
/// </summary>
/// <param name="location">Where this activation runs (its silo's address), recorded by the claim for placement.</param>
public sealed class RaftPeerStore(IRaftStorage storage, string peer, string? location = null)
{
    /// <summary>This activation's incarnation: 0 until it claimed the peer.</summary>
    public long Incarnation { get; private set; }

    public string Peer => peer;

    /// <summary>
    /// Claims the peer (joining <paramref name="join"/> when it has no group) and returns its validated state;
    /// a peer with no state that joins nothing is left unclaimed and loads empty.
    /// </summary>
    /// <exception cref="RaftStorageCorruptException">The stored log does not chain.</exception>
    public async Task<RaftPeerData> ClaimAsync(RaftGroupConfig? join)
    {
        var data = RaftPeerDataValidator.Validate(peer, await storage.ClaimAsync(peer, join, location));
        Incarnation = data.Incarnation;
        return data;
    }

    /// <summary>Makes one Ready's state durable, atomically.</summary>
    /// <exception cref="RaftStorageFencedException">A newer activation claimed the peer; nothing was written.</exception>
    public Task SaveAsync(Ready ready)
    {
        if (Incarnation == 0)
        {
            throw new InvalidOperationException($"Raft peer '{peer}' saved before it claimed its storage.");
        }

        return storage.SaveAsync(peer, Incarnation, RaftPeerWrite.From(ready));
    }

    /// <summary>False once another activation has claimed the peer.</summary>
    public async Task<bool> IsStillOwnerAsync() => (await storage.ReadOwnerAsync(peer)).Incarnation == Incarnation;
}
