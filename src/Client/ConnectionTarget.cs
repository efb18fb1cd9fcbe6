using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RaftOrleans.Grains.Interfaces;

namespace RaftOrleans.Client;

/// <summary>
/// Which cluster a command talks to and how long it tries, checked before anything starts: the gateways of
/// <c>--cluster</c> (addresses or host names), the Redis of <c>--redis</c>, or an embedded silo whose data directory
/// must be writable.
/// </summary>
/// <param name="Gateways">The named gateways; null for Redis or an embedded silo.</param>
/// <param name="Named">The cluster as the user named it (for messages); null for an embedded silo.</param>
internal sealed record ConnectionTarget(
    IPEndPoint[]? Gateways,
    string? Named,
    string? Redis,
    string ClusterId,
    string ServiceId,
    string DataDirectory,
    TimeSpan DialTimeout)
{
    /// <summary>The longest <c>--dial-timeout</c>.</summary>
    private const double MaxDialSeconds = 3600;

    public bool IsEmbedded => Gateways is null && Redis is null;

    /// <summary>The command line's target, else the settings' (either form, not both).</summary>
    /// <exception cref="ArgumentException">A malformed or unresolvable gateway, a bad timeout, an unwritable data directory.</exception>
    public static ConnectionTarget From(ParseResult parse)
    {
        var cluster = parse.GetValue(GlobalOptions.Cluster);
        var redis = parse.GetValue(GlobalOptions.Redis);
        if (cluster is null && string.IsNullOrWhiteSpace(redis))
        {
            (cluster, redis) = (ClientSettings.Cluster, ClientSettings.Redis);
        }

        redis = string.IsNullOrWhiteSpace(redis) ? null : redis;
        if (cluster is not null && redis is not null)
        {
            throw new ArgumentException("Name the cluster by --cluster (its gateways) or by --redis (its Redis), not both.");
        }

        var dial = parse.GetValue(GlobalOptions.DialTimeout);
        if (!(double.IsFinite(dial) && dial > 0 && dial <= MaxDialSeconds))
        {
            throw new ArgumentException($"--dial-timeout must be a number of seconds above 0 and at most {MaxDialSeconds} (was {dial.ToString(CultureInfo.InvariantCulture)}).");
        }

        var target = new ConnectionTarget(
            cluster is null ? null : ParseGateways(cluster),
            cluster ?? (redis is null ? null : $"Redis {redis}"),
            redis,
            parse.GetValue(GlobalOptions.ClusterId)!,
            parse.GetValue(GlobalOptions.ServiceId)!,
            Path.GetFullPath(parse.GetValue(GlobalOptions.DataDirectory)!),
            TimeSpan.FromSeconds(dial));
        if (target.IsEmbedded)
        {
            CheckWritable(target.DataDirectory);
        }

        return target;
    }

    /// <summary>Whether any named gateway accepts a TCP connection: a silo listens there (yet refused an Orleans client).</summary>
    public async Task<bool> AnyGatewayListensAsync()
    {
        foreach (var gateway in Gateways ?? [])
        {
            using var socket = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.ConnectAsync(gateway, timeout.Token);
                return true;
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                // Not this one.
            }
        }

        return false;
    }

    private static IPEndPoint[] ParseGateways(string cluster)
    {
        var endpoints = new List<IPEndPoint>();
        foreach (var part in cluster.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            endpoints.Add(ParseGateway(part));
        }

        return endpoints.Count > 0 ? endpoints.ToArray() : throw new ArgumentException("--cluster names no gateway; expected host:port[,host:port...] or 'localhost'.");
    }

    private static IPEndPoint ParseGateway(string part)
    {
        if (part.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, 30000);
        }

        if (IPEndPoint.TryParse(part, out var endpoint) && endpoint.Port != 0 && part.Contains(':', StringComparison.Ordinal))
        {
            return endpoint;
        }

        var colon = part.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            throw new ArgumentException($"--cluster: '{part}' is not a gateway address; expected host:port, e.g. 127.0.0.1:30000 or silo1.example:30000, or 'localhost'.");
        }

        var host = part[..colon];
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new ArgumentException($"--cluster: host '{host}' has no address.");
            return new IPEndPoint(address, port);
        }
        catch (SocketException exception)
        {
            throw new ArgumentException($"--cluster: cannot resolve host '{host}': {exception.Message}", exception);
        }
    }

    private static void CheckWritable(string directory)
    {
        if (WritableDirectory.Problem(directory) is { } problem)
        {
            throw new ArgumentException($"--data-dir '{directory}' {problem}; it holds the embedded silo's state.");
        }
    }
}
