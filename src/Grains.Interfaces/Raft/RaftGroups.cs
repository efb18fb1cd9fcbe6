namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>Making a Raft group: every peer joins it, with placement told the group so its peers land on distinct silos.</summary>
public static class RaftGroups
{
    /// <summary>The request-context key under which a peer's first activation finds its group (for placement).</summary>
    public const string PlacementKey = "raft.group";

    /// <summary>
    /// Makes every peer of <paramref name="config"/> a member; idempotent. A peer whose silo just died is asked again
    /// until the cluster has moved it (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    /// <param name="onMiss">Told of each failed call that is asked again (e.g. to say why, should the caller give up).</param>
    public static Task InitializeAsync(IGrainFactory grains, RaftGroupConfig config, CancellationToken cancellationToken = default, Action<Exception>? onMiss = null) =>
        Task.WhenAll(config.PeerIds.Select(peer => CallAsync(grains, config, peer, grain => grain.InitializeAsync(config), cancellationToken, onMiss)));

    /// <summary>Makes <paramref name="peer"/>, not one of the founders, join the running group <paramref name="config"/>; idempotent.</summary>
    public static Task JoinAsync(IGrainFactory grains, RaftGroupConfig config, string peer, CancellationToken cancellationToken = default) =>
        CallAsync(grains, config, peer, grain => grain.JoinAsync(config), cancellationToken, null);

    private static async Task CallAsync(IGrainFactory grains, RaftGroupConfig config, string peer, Func<IRaftPeerGrain, Task> call, CancellationToken cancellationToken, Action<Exception>? onMiss)
    {
        var grain = grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(config.Name, peer));
        while (true)
        {
            try
            {
                RequestContext.Set(PlacementKey, config);
                await call(grain).WaitAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
            {
                onMiss?.Invoke(exception);
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            finally
            {
                RequestContext.Remove(PlacementKey);
            }
        }
    }

    /// <summary>The group part of a peer's key <c>group/peer</c> (peer ids hold no '/'), or null.</summary>
    public static string? GroupOfKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 ? key[..slash] : null;
    }
}
