using RaftOrleans.Grains.Interfaces;

namespace RaftOrleans.Raft.Placement;

/// <summary>
/// Where the peers of one Raft group should run: on distinct silos whenever there are enough, otherwise as evenly
/// as possible, so that no silo holds a majority of a group that could be spread. Plain logic over silo names.
/// </summary>
public static class GroupSpread
{
    /// <summary>
    /// The silo for a new activation of peer number <paramref name="self"/> of <paramref name="group"/>: the one
    /// running fewest of the group's other peers (<paramref name="others"/>: their locations, null if unknown).
    /// Ties go round the silos from a start fixed by group and peer, so peers placed at the same moment, before
    /// any of them records where it runs, land on distinct silos.
    /// </summary>
    /// <param name="silos">The compatible silos, in any order.</param>
    public static string Place(IReadOnlyList<string> silos, IEnumerable<string?> others, string group, int self)
    {
        ArgumentOutOfRangeException.ThrowIfZero(silos.Count);
        var ordered = silos.Order(StringComparer.Ordinal).ToArray();
        var counts = ordered.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        foreach (var location in others)
        {
            if (location is not null && counts.ContainsKey(location))
            {
                counts[location]++;
            }
        }

        var start = (int)((Fnv1a.Hash(group) + (uint)Math.Max(self, 0)) % (uint)ordered.Length);
        var best = ordered[start];
        for (var i = 1; i < ordered.Length; i++)
        {
            var silo = ordered[(start + i) % ordered.Length];
            if (counts[silo] < counts[best])
            {
                best = silo;
            }
        }

        return best;
    }

    /// <summary>
    /// One move that evens the group out, or null when it is as even as it can be (no silo holds two more peers
    /// than another), a peer's whereabouts are unknown, or no peer on the fullest silo may leave. The peer moved is
    /// never <paramref name="leader"/> unless it is the only one on the fullest silo that may leave, and it goes to
    /// the emptiest silo.
    /// </summary>
    /// <param name="locations">Each peer of the group and the silo it runs on (null: unknown, e.g. down).</param>
    /// <param name="silos">The silos that are up and can host peers.</param>
    /// <param name="mayLeave">Whether a peer can restart elsewhere without the group losing its majority.</param>
    public static (string Peer, string To)? Rebalance(
        IReadOnlyDictionary<string, string?> locations, IReadOnlyList<string> silos, string leader, Func<string, bool> mayLeave)
    {
        if (silos.Count < 2 || locations.Values.Any(l => l is null || !silos.Contains(l, StringComparer.Ordinal)))
        {
            return null;
        }

        var ordered = silos.Order(StringComparer.Ordinal).ToArray();
        var onSilo = ordered.ToDictionary(s => s, s => locations.Where(l => l.Value == s).Select(l => l.Key).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var fullest = ordered.MaxBy(s => onSilo[s].Count)!;
        var emptiest = ordered.MinBy(s => onSilo[s].Count)!;
        if (onSilo[fullest].Count - onSilo[emptiest].Count <= 1)
        {
            return null;
        }

        var movable = onSilo[fullest].Where(mayLeave).ToList();
        var peer = movable.FirstOrDefault(p => p != leader) ?? movable.FirstOrDefault();
        return peer is null ? null : (peer, emptiest);
    }
}
