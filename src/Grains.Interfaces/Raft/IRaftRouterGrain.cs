namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// A stateless relay on whichever silo a client's call reaches: a client sends all calls to one grain through one
/// gateway, so when that gateway's silo is paused, calls to a peer on a healthy silo would hang behind it. Calling
/// a peer through a relay of another key goes through another gateway, and from there straight to the peer's silo.
/// </summary>
[Alias("raft.IRaftRouterGrain")]
public interface IRaftRouterGrain : IGrainWithIntegerKey
{
    /// <summary>Relays <see cref="IRaftPeerGrain.ExecuteAsync"/> to the peer <paramref name="peerKey"/>; its exceptions come back as they are.</summary>
    [Alias("Execute")]
    Task<byte[]> ExecuteAsync(string peerKey, byte[] command);

    /// <summary>Relays <see cref="IRaftPeerGrain.QueryAsync"/> to the peer <paramref name="peerKey"/>.</summary>
    [Alias("Query")]
    Task<byte[]> QueryAsync(string peerKey, byte[] query);

    /// <summary>The silo this relay runs on: the gateway the client's calls to this key go through.</summary>
    [Alias("Silo")]
    Task<string> SiloAsync();

    /// <summary>
    /// Whether the Raft storage of the silo this relay runs on answers a read within a short time: null, or why not
    /// (e.g. its Redis is down). Lets a client that got no answer from a group say why.
    /// </summary>
    [Alias("StorageProblem")]
    Task<string?> StorageProblemAsync();
}
