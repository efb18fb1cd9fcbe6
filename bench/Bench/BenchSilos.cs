using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RaftOrleans.Raft.Diagnostics;

namespace RaftOrleans.Bench;

/// <summary>
/// Silos as a user runs them: separate processes of <c>src/Silo</c> (the build of this configuration) on this
/// machine, sharing the SQLite stores of one data directory (membership included) or a
/// Redis; and an Orleans client in the benchmark's process connected to them.
/// </summary>
internal sealed class BenchSilos : IAsyncDisposable
{
    private readonly List<BenchProcess> _silos = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-silos-{Guid.NewGuid():N}");
    private readonly string _cluster = $"bench-{Guid.NewGuid():N}"[..14];
    private IHost? _client;

    private const string MetricsPrefix = RaftMetricsLog.Prefix;

    /// <summary>The logger category of the silos' metrics line.</summary>
    private static readonly string MetricsCategory = typeof(RaftMetricsLog).FullName!;

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>The Raft metrics' totals over every silo, from the next line each logs (once a second).</summary>
    public async Task<Dictionary<string, double>> MetricsAsync()
    {
        var lines = await Task.WhenAll(_silos.Select(s => s.WaitForLineAsync(l => l.Contains(MetricsPrefix, StringComparison.Ordinal), TimeSpan.FromSeconds(10), next: true)));
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            foreach (var pair in line[(line.IndexOf(MetricsPrefix, StringComparison.Ordinal) + MetricsPrefix.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, value) = (pair.Split('=', 2)[0], double.Parse(pair.Split('=', 2)[1], CultureInfo.InvariantCulture));
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        }

        return totals;
    }

    public static async Task<BenchSilos> StartAsync(int count, string? redis)
    {
        var silos = new BenchSilos();
        try
        {
            var free = LoopbackPorts.Take(2 * count);
            var ports = Enumerable.Range(0, count).Select(i => (Silo: free[2 * i], Gateway: free[(2 * i) + 1])).ToArray();
            var dll = SiloDll();
            for (var i = 0; i < count; i++)
            {
                var silo = BenchProcess.Start($"silo{i + 1}", "dotnet",
                [
                    dll,
                    $"--RaftOrleans:ClusterId={silos._cluster}",
                    $"--RaftOrleans:ServiceId={silos._cluster}",
                    Setting("SiloPort", ports[i].Silo),
                    Setting("GatewayPort", ports[i].Gateway),
                    $"--RaftOrleans:DataDirectory={silos._root}",
                    $"--RaftOrleans:Redis={redis}",
                    "--Logging:LogLevel:Default=Warning",
                    "--Logging:LogLevel:RaftOrleans.Silo=Information",
                    "--RaftOrleans:Raft:MetricsLogPeriod=00:00:01",
                    $"--Logging:LogLevel:{MetricsCategory}=Information",
                ]);
                silos._silos.Add(silo);
                // One after another, as a user starts them: the placement of the Raft peers then starts alike in every run.
                await silo.WaitForLineAsync(line => line.Contains(" started in cluster ", StringComparison.Ordinal) || line.Contains("Silo failed", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            }

            foreach (var silo in silos._silos)
            {
                await silo.WaitForLineAsync(line => line.Contains(" started in cluster ", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
            }

            silos._client = await ConnectAsync(silos._cluster, redis, [.. ports.Select(p => p.Gateway)]);
            return silos;
        }
        catch
        {
            await silos.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            silo.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<IHost> ConnectAsync(string cluster, string? redis, int[] gateways)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            if (redis is null)
            {
                client.UseStaticClustering([.. gateways.Select(p => new IPEndPoint(IPAddress.Loopback, p))]);
            }
            else
            {
                client.UseRedisClustering(options => options.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redis));
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster;
                options.ServiceId = cluster;
            });
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The silo host of this build's configuration (the benchmark project references it, so it is built).</summary>
    private static string SiloDll()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(MapReduceBench.RepoRoot(), "src", "Silo", "bin", configuration, "net10.0", "RaftOrleans.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"No silo build at {dll}: build the solution in {configuration}.");
    }

    private static string Setting(string name, int value) => string.Create(CultureInfo.InvariantCulture, $"--RaftOrleans:{name}={value}");
}
