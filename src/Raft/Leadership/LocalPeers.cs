using System.Collections.Concurrent;

namespace RaftOrleans.Raft.Leadership;

/// <summary>The Raft peers active on this silo (their keys), for the hand-over when the silo stops.</summary>
internal sealed class LocalPeers
{
    private readonly ConcurrentDictionary<string, byte> _peers = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Peers => (IReadOnlyCollection<string>)_peers.Keys;

    public bool Contains(string peerKey) => _peers.ContainsKey(peerKey);

    public void Add(string peerKey) => _peers.TryAdd(peerKey, 0);

    public void Remove(string peerKey) => _peers.TryRemove(peerKey, out _);
}
