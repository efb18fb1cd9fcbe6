using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Placement;

/// <summary>
/// A leader's view of where its group's peers run, and the one move at a time that spreads them
/// (<see cref="GroupSpread.Rebalance"/>). Nothing moves while a peer is down or not where its storage says, nor a peer
/// without which the caught-up peers are no majority, nor anything until every peer has kept up for a whole period: a
/// peer that just restarted may match the log and still be busy applying it, and moving another one then would leave
/// the leader without a responsive majority. One instance per peer activation; not thread-safe.
/// </summary>
internal sealed class PeerRebalancer(IRaftStorage storage, RaftOptions options, TimeProvider time)
{
    /// <summary>The last move asked for, until the moved peer is seen on its new silo or a deadline.</summary>
    private (string Peer, string To, DateTimeOffset Until)? _move;

    /// <summary>Since when every peer has matched the log; null while one lags.</summary>
    private DateTimeOffset? _steadySince;

    /// <summary>The move to ask for now, if any.</summary>
    /// <param name="node">The leader's core.</param>
    /// <param name="selfSilo">The silo this leader runs on.</param>
    /// <param name="activeSilos">The silos that are up.</param>
    public async Task<(string Peer, string From, string To)?> NextMoveAsync(RaftNode node, RaftGroupConfig group, string selfSilo, Func<IReadOnlyList<string>> activeSilos)
    {
        var self = node.Id;
        var owners = await Task.WhenAll(group.PeerIds.Select(async id =>
            (Peer: id, Location: id == self ? selfSilo : (await storage.ReadOwnerAsync(RaftGroupConfig.PeerKey(group.Name, id))).Location)));
        var locations = owners.ToDictionary(o => o.Peer, o => o.Location, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (_move is { } pending && now < pending.Until && locations.GetValueOrDefault(pending.Peer) != pending.To)
        {
            return null;
        }

        // A peer may restart elsewhere only if the peers caught up without it still make a majority.
        var window = (long)options.MaxEntriesPerAppend * options.MaxInflightAppends;
        bool CaughtUp(string id) => id == self || node.MatchIndex(id) >= node.CommitIndex - window;
        var caughtUp = group.PeerIds.Count(CaughtUp);
        if (caughtUp < group.PeerIds.Count)
        {
            _steadySince = null;
            return null;
        }

        _steadySince ??= now;
        if (now - _steadySince < options.RebalancePeriod)
        {
            return null;
        }

        var quorum = (group.PeerIds.Count / 2) + 1;
        if (GroupSpread.Rebalance(locations, activeSilos(), self, id => caughtUp - (CaughtUp(id) ? 1 : 0) >= quorum) is not { } move)
        {
            _move = null;
            return null;
        }

        _move = (move.Peer, move.To, now + (4 * options.RebalancePeriod));
        _steadySince = null;
        return (move.Peer, locations[move.Peer]!, move.To);
    }
}
