using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// Where Raft peers keep term, vote, log and snapshot. Every method is one atomic operation on the durable store:
/// a crash leaves a peer's state exactly as before or exactly as after it, never in between. Ownership is fenced
/// by an incarnation number: each new activation claims the peer (bumping it), and a save carrying an older
/// incarnation changes nothing and throws <see cref="RaftStorageFencedException"/>.
/// </summary>
public interface IRaftStorage
{
    /// <summary>
    /// Makes the caller the peer's newest owner and returns what the peer persisted, atomically: the stored
    /// incarnation goes up by one, <paramref name="location"/> is recorded as where the peer now runs, and
    /// <paramref name="join"/> becomes the peer's group if it has none yet. For a peer that has no stored state and
    /// no <paramref name="join"/>, nothing is written and <see cref="RaftPeerData.Empty"/> is returned.
    /// </summary>
    Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location);

    /// <summary>
    /// Applies one Ready's durable state atomically, in the order of <see cref="RaftPeerWrite"/>, if
    /// <paramref name="incarnation"/> still owns the peer.
    /// </summary>
    /// <exception cref="RaftStorageFencedException">A newer activation claimed the peer; nothing was written.</exception>
    Task SaveAsync(string peer, long incarnation, RaftPeerWrite write);

    /// <summary>
    /// The peer's owner (incarnation 0 when it has none): tells an activation whether it still owns the peer, and
    /// placement where the peers of a group run. Reads no log.
    /// </summary>
    Task<RaftPeerOwner> ReadOwnerAsync(string peer);

    /// <summary>What the peer persisted, read atomically, without claiming it.</summary>
    Task<RaftPeerData> ReadAsync(string peer);

    /// <summary>
    /// Drops the peer's log, snapshot, term and vote and marks it retired, if <paramref name="incarnation"/> still owns
    /// it: a peer removed from its group. Its record stays (group, incarnation, and <paramref name="successors"/>, the
    /// committed configuration without it, in <see cref="RaftPeerData.Successors"/>), so that a peer that once made
    /// promises is never started afresh under the same name, and a client that knows only it finds the group.
    /// </summary>
    /// <exception cref="RaftStorageFencedException">A newer activation claimed the peer; nothing was changed.</exception>
    Task RetireAsync(string peer, long incarnation, Membership successors);
}
