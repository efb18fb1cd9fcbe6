using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// The client's way into a cluster: a named cluster (its gateways, or the Redis its silos register in) or, when
/// none is named, a silo embedded in this process with the same grains and the same durable store as a standalone silo.
/// </summary>
internal sealed class ClusterConnection(IHost host, string description, CancellationTokenSource? learning = null) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>Set once the command is done: the gateways it then closes are no news.</summary>
    private static int _stopping;

    /// <summary>
    /// How often a client of a Redis-clustered cluster reads the live gateways (Orleans: once a minute): silos restarted
    /// on new addresses are used, and dead ones dropped, within seconds.
    /// </summary>
    private static readonly TimeSpan GatewayListRefresh = TimeSpan.FromSeconds(3);

    public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IClusterClient>();

    public string Description => description;

    /// <exception cref="ClusterUnavailableException">The named cluster (or its Redis) cannot be reached.</exception>
    /// <exception cref="OptionsValidationException">The Redis connection string is malformed.</exception>
    public static async Task<ClusterConnection> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var redisOptions = target.Redis is null ? null : SiloHostRedis.TryParse(target.Redis, out var redisError)
            ?? throw new OptionsValidationException("--redis", typeof(string), [$"--redis: {redisError}"]);
        if (target.Redis is not null && await SiloHostRedis.CheckReachableAsync(target.Redis, cancellationToken) is { } unreachable)
        {
            throw new ClusterUnavailableException($"{unreachable} (--redis)");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });

        // Logs are not data: all of them go to stderr, one line each. The cluster's and the embedded silo's own logs only
        // with --verbose: what a command's user must know reaches them as its result or its error.
        builder.Logging.ClearProviders()
            .AddConsole(console =>
            {
                console.FormatterName = CliLogFormatter.FormatterName;
                console.LogToStandardErrorThreshold = LogLevel.Trace;
            })
            .AddConsoleFormatter<CliLogFormatter, ConsoleFormatterOptions>()
            .SetMinimumLevel(CliOutput.Verbose ? LogLevel.Warning : LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();

        string description;
        LearnedGateways? gateways = null;
        var connecting = TimeProvider.System.GetTimestamp();
        if (redisOptions is not null)
        {
            builder.UseOrleansClient(client => client
                .UseRedisClustering(clustering => clustering.ConfigurationOptions = redisOptions.Clone())
                .UseConnectionRetryFilter((_, ct) => RetryAsync(connecting, target.DialTimeout, ct))
                .AddGatewayCountChangedHandler(SayWhenAGatewayIsLost)
                .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = GatewayListRefresh)
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = target.ClusterId;
                    options.ServiceId = target.ServiceId;
                }));
            description = $"cluster {target.ClusterId} via {target.Named}";
        }
        else if (target.Gateways is { } named)
        {
            gateways = new LearnedGateways(named);
            builder.UseOrleansClient(client =>
            {
                client.Services.AddSingleton<IGatewayListProvider>(gateways);
                client.UseConnectionRetryFilter((_, ct) => RetryAsync(connecting, target.DialTimeout, ct))
                    .AddGatewayCountChangedHandler(SayWhenAGatewayIsLost)
                    .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = LearnedGateways.RefreshPeriod)
                    .Configure<ClusterOptions>(options =>
                    {
                        options.ClusterId = target.ClusterId;
                        options.ServiceId = target.ServiceId;
                    });
            });
            description = $"cluster at {target.Named}";
        }
        else
        {
            var options = new SiloHostOptions
            {
                SiloPort = FreeTcpPort(),
                GatewayPort = FreeTcpPort(),
                DataDirectory = target.DataDirectory,
                ClusterId = EmbeddedClusters.ForThisProcess(),
                SingleSilo = true,
            };
            CliOutput.Info($"Starting an embedded silo (state in {options.DatabasePath}; --cluster names a running cluster)...");
            builder.UseOrleans(silo => silo.AddRaftOrleansSilo(options));
            description = $"embedded silo (state in {options.DatabasePath})";
        }

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (target.Named is not null && exception is not OperationCanceledException)
        {
            host.Dispose();
            var hint = target.Redis is not null
                ? $"; no silo of ClusterId '{target.ClusterId}' is registered there: is --cluster-id the silos' RaftOrleans:ClusterId?"
                : await target.AnyGatewayListensAsync()
                    ? $"; a silo listens there but refused this client: are --cluster-id '{target.ClusterId}' and --service-id '{target.ServiceId}' the silos' (their RaftOrleans:ClusterId and ServiceId)?"
                    : string.Empty;
            throw new ClusterUnavailableException(
                $"Cannot reach the cluster at {target.Named} (ClusterId {target.ClusterId}) within {target.DialTimeout.TotalSeconds:0.###} s: {exception.Message}{hint}",
                exception);
        }

        if (gateways is null)
        {
            return new ClusterConnection(host, description);
        }

        var learning = new CancellationTokenSource();
        _ = gateways.LearnAsync(host.Services.GetRequiredService<IClusterClient>(), learning.Token);
        return new ClusterConnection(host, description, learning);
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (learning is not null)
        {
            await learning.CancelAsync();
            learning.Dispose();
        }

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        host.Dispose();
    }

    /// <summary>A gateway connection lost under a running command: the command goes on through the others, and says so.</summary>
    private static void SayWhenAGatewayIsLost(object? sender, GatewayCountChangedEventArgs change)
    {
        if (change.NumberOfConnectedGateways < change.PreviousNumberOfConnectedGateways && Volatile.Read(ref _stopping) == 0)
        {
            CliOutput.Warning(change.NumberOfConnectedGateways > 0
                ? $"Lost a gateway of the cluster; going on through the other {change.NumberOfConnectedGateways}."
                : "Lost the last connected gateway of the cluster; trying the cluster's other silos.");
        }
    }

    /// <summary>Orleans' own filter retries for minutes; a console command should say soon that no silo answers.</summary>
    private static async Task<bool> RetryAsync(long connecting, TimeSpan dialTimeout, CancellationToken cancellationToken)
    {
        if (TimeProvider.System.GetElapsedTime(connecting) + ConnectRetryDelay >= dialTimeout || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        await Task.Delay(ConnectRetryDelay, cancellationToken);
        return true;
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
