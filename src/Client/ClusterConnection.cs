using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// The client's way into a cluster: a named cluster (its gateways) or, when none is named, a silo embedded
/// in this process with the same grains and the same durable store as a standalone silo.
/// </summary>
internal sealed class ClusterConnection(IHost host, string description) : IAsyncDisposable
{
    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IClusterClient>();

    public string Description => description;

    /// <param name="cluster">Null for an embedded silo; otherwise gateways, <c>host:port[,host:port…]</c>.</param>
    /// <exception cref="ClusterUnavailableException">The named cluster cannot be reached.</exception>
    /// <param name="clusterId">The named cluster's ClusterId; a gateway refuses clients of another cluster.</param>
    public static async Task<ClusterConnection> OpenAsync(string? cluster, string clusterId, string dataDirectory, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Orleans", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);

        string description;
        if (cluster is null)
        {
            var options = new SiloHostOptions
            {
                SiloPort = FreeTcpPort(),
                GatewayPort = FreeTcpPort(),
                DataDirectory = dataDirectory,
                ClusterId = $"embedded-{Environment.ProcessId}",
            };
            options.PrimarySiloPort = options.SiloPort;
            builder.UseOrleans(silo => silo.AddRaftOrleansSilo(options));
            description = $"embedded silo (state in {options.DatabasePath})";
        }
        else
        {
            var gateways = ParseGateways(cluster);
            builder.UseOrleansClient(client => client
                .UseStaticClustering(gateways)
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = new SiloHostOptions().ServiceId;
                }));
            description = $"cluster at {cluster}";
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (cluster is not null && exception is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException($"Cannot reach the cluster at {cluster}: {exception.Message}", exception);
        }

        return new ClusterConnection(host, description);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        host.Dispose();
    }

    private static IPEndPoint[] ParseGateways(string cluster)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var part in cluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1:30000" : part.Replace("localhost", "127.0.0.1", StringComparison.OrdinalIgnoreCase);
            if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0)
            {
                throw new ClusterUnavailableException($"'{part}' is not a gateway address; expected host:port, e.g. 127.0.0.1:30000, or 'localhost'.");
            }

            endpoints.Add(endpoint);
        }

        return endpoints.Count > 0
            ? endpoints.ToArray()
            : throw new ClusterUnavailableException("No gateway address was given.");
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
