using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// The client's way into a cluster: a named cluster (its gateways, or the Redis its silos register in) or, when
/// none is named, a silo embedded in this process with the same grains and the same durable store as a standalone silo.
/// </summary>
internal sealed class ClusterConnection(IHost host, string description) : IAsyncDisposable
{
    /// <summary>How long the client keeps trying to reach a named cluster's gateways before it gives up.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often a client of a Redis-clustered cluster reads the live gateways (Orleans: once a minute): silos restarted
    /// on new addresses are used, and dead ones dropped, within seconds.
    /// </summary>
    private static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(3);

    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IClusterClient>();

    public string Description => description;

    /// <param name="cluster">Gateways, <c>host:port[,host:port…]</c>; null for Redis or an embedded silo.</param>
    /// <param name="redis">The Redis connection string of a Redis-clustered cluster; null for gateways or an embedded silo.</param>
    /// <param name="clusterId">The named cluster's ClusterId; a gateway refuses clients of another cluster.</param>
    /// <param name="serviceId">The named cluster's ServiceId.</param>
    /// <param name="dataDirectory">The embedded silo's durable store.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ClusterUnavailableException">The named cluster (or its Redis) cannot be reached.</exception>
    /// <exception cref="OptionsValidationException">Both a cluster and Redis are named, or the Redis connection string is malformed.</exception>
    public static async Task<ClusterConnection> OpenAsync(string? cluster, string? redis, string clusterId, string serviceId, string dataDirectory, CancellationToken cancellationToken)
    {
        redis = string.IsNullOrWhiteSpace(redis) ? null : redis;
        if (cluster is not null && redis is not null)
        {
            throw new OptionsValidationException("--redis", typeof(string), ["Name the cluster by --cluster (its gateways) or by --redis (its Redis), not both."]);
        }

        var redisOptions = redis is null ? null : SiloHostRedis.TryParse(redis, out var redisError)
            ?? throw new OptionsValidationException("--redis", typeof(string), [$"--redis: {redisError}"]);
        if (redis is not null && await SiloHostRedis.CheckReachableAsync(redis, cancellationToken) is { } unreachable)
        {
            throw new ClusterUnavailableException($"{unreachable} (--redis)");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        // Logs are not data: all of them go to stderr, one line each.
        builder.Logging.ClearProviders()
            .AddConsole(console =>
            {
                console.FormatterName = CliLogFormatter.FormatterName;
                console.LogToStandardErrorThreshold = LogLevel.Trace;
            })
            .AddConsoleFormatter<CliLogFormatter, ConsoleFormatterOptions>()
            .SetMinimumLevel(LogLevel.Warning);
        var orleansLevel = CliOutput.Verbose ? LogLevel.Warning : LogLevel.Error;
        builder.Logging.AddFilter("Orleans", orleansLevel);
        builder.Logging.AddFilter("Microsoft.Orleans", orleansLevel);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();

        string description;
        var named = cluster ?? (redis is null ? null : $"Redis {redis}");
        var connecting = TimeProvider.System.GetTimestamp();
        if (redisOptions is not null)
        {
            builder.UseOrleansClient(client => client
                .UseRedisClustering(clustering => clustering.ConfigurationOptions = redisOptions.Clone())
                .UseConnectionRetryFilter((_, ct) => RetryAsync(connecting, ct))
                .Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = GatewayListRefresh)
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = serviceId;
                }));
            description = $"cluster {clusterId} via {named}";
        }
        else if (cluster is null)
        {
            var options = new SiloHostOptions
            {
                SiloPort = FreeTcpPort(),
                GatewayPort = FreeTcpPort(),
                DataDirectory = dataDirectory,
                ClusterId = $"{EmbeddedClusters.Prefix}{Environment.ProcessId}",
                SingleSilo = true,
            };
            builder.UseOrleans(silo => silo.AddRaftOrleansSilo(options));
            description = $"embedded silo (state in {options.DatabasePath})";
        }
        else
        {
            var gateways = ParseGateways(cluster);
            builder.UseOrleansClient(client => client
                .UseStaticClustering(gateways)
                .UseConnectionRetryFilter((_, ct) => RetryAsync(connecting, ct))
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = serviceId;
                }));
            description = $"cluster at {cluster}";
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (named is not null && exception is not OperationCanceledException)
        {
            host.Dispose();
            throw new ClusterUnavailableException(
                $"Cannot reach the cluster at {named} (ClusterId {clusterId}) within {ConnectTimeout.TotalSeconds:0} s: {exception.Message}",
                exception);
        }

        return new ClusterConnection(host, description);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        host.Dispose();
    }

    /// <summary>Orleans' own filter retries for minutes; a console command should say soon that no silo answers.</summary>
    private static async Task<bool> RetryAsync(long connecting, CancellationToken cancellationToken)
    {
        if (TimeProvider.System.GetElapsedTime(connecting) + ConnectRetryDelay >= ConnectTimeout || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        await Task.Delay(ConnectRetryDelay, cancellationToken);
        return true;
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
