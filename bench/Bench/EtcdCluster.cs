namespace RaftOrleans.Bench;

/// <summary>
/// A 3-member etcd cluster on loopback, for the key/value comparison: each member fsyncs its WAL before it answers,
/// as etcd always does. Data in a temporary directory, removed on dispose. Needs <c>etcd</c> on the PATH
/// (Debian: <c>apt-get install etcd-server etcd-client</c>).
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    private readonly List<BenchProcess> _members;
    private readonly string _root;

    private EtcdCluster(List<BenchProcess> members, string root, IReadOnlyList<string> clientUrls)
    {
        _members = members;
        _root = root;
        ClientUrls = clientUrls;
    }

    public IReadOnlyList<string> ClientUrls { get; }

    public static string? Executable => new[] { "/usr/bin/etcd", "/usr/local/bin/etcd" }.FirstOrDefault(File.Exists);

    public static async Task<EtcdCluster?> StartAsync()
    {
        if (Executable is not { } etcd)
        {
            return null;
        }

        var root = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-etcd-{Guid.NewGuid():N}");
        var ports = LoopbackPorts.Take(6);
        var (clients, peers) = (ports[..3], ports[3..]);
        var initial = string.Join(",", Enumerable.Range(0, 3).Select(i => $"m{i}=http://127.0.0.1:{peers[i]}"));
        var token = $"bench-{Guid.NewGuid():N}";
        var members = new List<BenchProcess>();
        for (var i = 0; i < 3; i++)
        {
            members.Add(BenchProcess.Start($"etcd{i}", etcd,
            [
                "--name", $"m{i}",
                "--data-dir", Path.Combine(root, $"m{i}"),
                "--listen-client-urls", $"http://127.0.0.1:{clients[i]}",
                "--advertise-client-urls", $"http://127.0.0.1:{clients[i]}",
                "--listen-peer-urls", $"http://127.0.0.1:{peers[i]}",
                "--initial-advertise-peer-urls", $"http://127.0.0.1:{peers[i]}",
                "--initial-cluster", initial,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token,
                "--logger", "zap",
            ]));
        }

        var cluster = new EtcdCluster(members, root, [.. clients.Select(p => $"http://127.0.0.1:{p}")]);
        try
        {
            foreach (var member in members)
            {
                await member.WaitForLineAsync(line => line.Contains("serving client traffic", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var member in _members)
        {
            member.Dispose();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
