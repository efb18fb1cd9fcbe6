using System.Collections.Concurrent;
using Orleans.Runtime.Placement;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Placement;

/// <summary>
/// Places a peer activation by <see cref="GroupSpread.Place"/>, from where the group's other peers last claimed
/// their storage (<see cref="IRaftStorage.ReadOwnerAsync"/>): no grain-directory lookup, so a silent silo cannot
/// hold placement up. A placement hint (a migration's target) wins. A group not stored yet is named by its
/// initializer in the request context (<see cref="RaftGroups.PlacementKey"/>).
/// </summary>
internal sealed class RaftPeerPlacementDirector(IRaftStorage storage) : IPlacementDirector
{
    /// <summary>Groups never change once stored, so each silo reads each group once.</summary>
    private readonly ConcurrentDictionary<string, RaftGroupConfig> _groups = new(StringComparer.Ordinal);

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return hint;
        }

        var key = target.GrainIdentity.Key.ToString()!;
        var group = await GroupOfAsync(key, target.RequestContextData);
        if (group is null || !key.StartsWith(group.Name + "/", StringComparison.Ordinal))
        {
            return silos[Random.Shared.Next(silos.Length)];
        }

        var self = RaftPeer.SelfId(key, group);
        var others = await Task.WhenAll(group.PeerIds.Where(p => p != self)
            .Select(async p => (await storage.ReadOwnerAsync(RaftGroupConfig.PeerKey(group.Name, p))).Location));
        var names = silos.Select(s => s.ToParsableString()).ToArray();
        var chosen = GroupSpread.Place(names, others, group.Name, IndexOf(group.PeerIds, self));
        return silos[Array.IndexOf(names, chosen)];
    }

    private async Task<RaftGroupConfig?> GroupOfAsync(string key, Dictionary<string, object>? requestContext)
    {
        var name = RaftGroups.GroupOfKey(key);
        if (name is not null && _groups.TryGetValue(name, out var known))
        {
            return known;
        }

        var group = (await storage.ReadOwnerAsync(key)).Group;
        if (group is null && requestContext?.GetValueOrDefault(RaftGroups.PlacementKey) is RaftGroupConfig joining)
        {
            return joining;
        }

        if (group is not null)
        {
            _groups[group.Name] = group;
        }

        return group;
    }

    private static int IndexOf(IReadOnlyList<string> peers, string peer)
    {
        for (var i = 0; i < peers.Count; i++)
        {
            if (peers[i] == peer)
            {
                return i;
            }
        }

        return 0;
    }
}
