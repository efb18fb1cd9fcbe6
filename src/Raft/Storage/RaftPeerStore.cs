using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// One activation's handle on its peer's durable state. It claims the peer before reading it, so everything an
/// older activation saved (and so may have acknowledged) is either in what this one loads or rejected by the
/// store; then every save carries this activation's incarnation, which the store checks inside the same atomic
/// write. What it loads is validated (<see cref="RaftPeerDataValidator"/>) before any peer runs on it.
/// <para>
/// Ownership lease. Fencing stops an older activation's writes, not its words: one that takes empty heartbeats writes
/// nothing, yet its answers count as acknowledgements and read confirmations. So an activation may speak only while
/// it holds a lease: for <c>lease</c> after the start of its last claim, save or check that the store found it still
/// the owner, and never in the first <c>lease</c> after its own claim. An older activation's last confirmation began
/// before the newer one's claim (else it would have seen the new incarnation), so its lease ends before the newer one
/// may speak; the clock is monotonic, so a pause of the older one's process only brings its lease's end closer.
/// </para>
/// </summary>
/// <param name="location">Where this activation runs (its silo's address), recorded by the claim for placement.</param>
/// <param name="time">The monotonic clock of the lease; the system's by default.</param>
public sealed class RaftPeerStore(IRaftStorage storage, string peer, string? location = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>When this activation's claim completed: it is silent for a lease from then.</summary>
    private long _claimedAt;

    /// <summary>When the last claim, save or check that found this activation the owner began.</summary>
    private long _confirmedAt;

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
        var started = _time.GetTimestamp();
        var data = RaftPeerDataValidator.Validate(peer, await storage.ClaimAsync(peer, join, location));
        Incarnation = data.Incarnation;
        _confirmedAt = started;
        _claimedAt = _time.GetTimestamp();
        return data;
    }

    /// <summary>Makes one Ready's state durable, atomically.</summary>
    /// <exception cref="RaftStorageFencedException">A newer activation claimed the peer; nothing was written.</exception>
    public async Task SaveAsync(Ready ready)
    {
        if (Incarnation == 0)
        {
            throw new InvalidOperationException($"Raft peer '{peer}' saved before it claimed its storage.");
        }

        var started = _time.GetTimestamp();
        await storage.SaveAsync(peer, Incarnation, RaftPeerWrite.From(ready));
        Confirmed(started);
    }

    /// <summary>False once another activation has claimed the peer; true renews the lease.</summary>
    public async Task<bool> IsStillOwnerAsync()
    {
        var started = _time.GetTimestamp();
        if ((await storage.ReadOwnerAsync(peer)).Incarnation != Incarnation)
        {
            return false;
        }

        Confirmed(started);
        return true;
    }

    /// <summary>Whether this activation may speak for the peer now (see the lease above).</summary>
    public bool HoldsLease(TimeSpan lease) => !IsSilent(lease) && _time.GetElapsedTime(_confirmedAt) < lease;

    /// <summary>Whether this activation is still in the silence that follows its claim.</summary>
    public bool IsSilent(TimeSpan lease) => _time.GetElapsedTime(_claimedAt) < lease;

    private void Confirmed(long started) => _confirmedAt = Math.Max(_confirmedAt, started);
}
