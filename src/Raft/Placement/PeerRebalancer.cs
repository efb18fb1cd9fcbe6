using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Placement;

/// <summary>
/// A leader's view of where its group's peers run, and the one move at a time that spreads them
/// (<see cref="GroupSpread.Rebalance"/>): no silo should hold a majority of a group that could be spread, for longer than
/// it takes the peer that came back beside another to catch up. A peer moves only while every peer is responsive
/// (answered within two heartbeats and within the in-flight window of the log), so that the others make a majority
/// that answers while it restarts; a peer busy replaying its log answers nothing and holds every move. One instance per
/// peer activation; not thread-safe.
/// </summary>
internal sealed class PeerRebalancer(IRaftStorage storage, RaftOptions options, TimeProvider time)
{
    /// <summary>The last move asked for, until the moved peer is seen on its new silo or a deadline.</summary>
    private (string Peer, string To, DateTimeOffset Until)? _move;

    /// <summary>The move to ask for now, if any.</summary>
    /// <param name="node">The leader's core.</param>
    /// <param name="selfSilo">The silo this leader runs on.</param>
    /// <param name="activeSilos">The silos that are up.</param>
    public async Task<(string Peer, string From, string To)?> NextMoveAsync(RaftNode node, RaftGroupConfig group, string selfSilo, Func<IReadOnlyList<string>> activeSilos)
    {
        var self = node.Id;
        var members = node.Membership.Members.ToList();
        var owners = await Task.WhenAll(members.Select(async id =>
            (Peer: id, Location: id == self ? selfSilo : (await storage.ReadOwnerAsync(RaftGroupConfig.PeerKey(group.Name, id))).Location)));
        var locations = owners.ToDictionary(o => o.Peer, o => o.Location, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (_move is { } pending && now < pending.Until && locations.GetValueOrDefault(pending.Peer) != pending.To)
        {
            return null;
        }

        var window = (long)options.MaxEntriesPerAppend * options.MaxInflightAppends;
        bool Responsive(string id) =>
            id == self || (node.TicksSinceHeardFrom(id) <= 2 * options.HeartbeatTicks && node.MatchIndex(id) >= node.CommitIndex - window);
        if (!members.All(Responsive))
        {
            return null;
        }

        // A peer may restart elsewhere only if the others, all answering, still make a majority.
        if (GroupSpread.Rebalance(locations, activeSilos(), self, peer => node.Membership.HasQuorum(v => v != peer)) is not { } move)
        {
            _move = null;
            return null;
        }

        _move = (move.Peer, move.To, now + (4 * options.TickPeriod * options.ElectionTicks));
        return (move.Peer, locations[move.Peer]!, move.To);
    }
}
