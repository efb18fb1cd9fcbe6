using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>An Orleans client in the test process, connected to a <see cref="SiloProcessCluster"/>.</summary>
public static class ClusterClientHost
{
    public static async Task<IHost> ConnectAsync(SiloProcessCluster cluster, string? redis, TimeSpan timeout)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (redis is null)
            {
                // Every silo is a gateway, so that any of them may die.
                client.UseStaticClustering(cluster.Silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort)).ToArray());
            }
            else
            {
                client.UseRedisClustering(options => options.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });

            // Silos that join or are declared dead are seen within seconds, not a minute.
            client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        });

        var host = builder.Build();
        using var starting = new CancellationTokenSource(timeout);
        try
        {
            await host.StartAsync(starting.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    public static IClusterClient Client(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
