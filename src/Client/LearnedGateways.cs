using System.Net;
using Orleans.Messaging;

namespace RaftOrleans.Client;

/// <summary>
/// The gateways of a cluster named by <c>--cluster</c>: those named, and every live silo's gateway as the cluster's
/// membership tells once connected, so that a client whose named gateway dies goes on through another silo instead
/// of waiting for the one it was given.
/// </summary>
internal sealed class LearnedGateways(IReadOnlyList<IPEndPoint> named) : IGatewayListProvider
{
    /// <summary>How often the membership is read (Orleans asks the list again this often, <see cref="ClusterConnection"/>).</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(3);

    private volatile IList<Uri> _gateways = named.Select(Utils.ToGatewayUri).ToList();

    public TimeSpan MaxStaleness => RefreshPeriod;

    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => Task.CompletedTask;

    public Task<IList<Uri>> GetGateways() => Task.FromResult(_gateways);

    /// <summary>Reads the live silos' gateways from the cluster until <paramref name="cancellationToken"/> ends.</summary>
    public async Task LearnAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        using var timer = new PeriodicTimer(RefreshPeriod);
        do
        {
            try
            {
                var hosts = await management.GetDetailedHosts(onlyActive: true).WaitAsync(RefreshPeriod, cancellationToken);
                var live = hosts.Where(h => h.ProxyPort != 0).Select(h => new IPEndPoint(h.SiloAddress.Endpoint.Address, h.ProxyPort)).ToList();
                if (live.Count > 0)
                {
                    _gateways = live.Select(Utils.ToGatewayUri).ToList();
                }
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // No gateway answered this time: keep the list, Orleans tries each of them.
            }
        }
        while (await NextTickAsync(timer, cancellationToken));
    }

    /// <summary>The next refresh, or false once the command is done.</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
