using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.Membership;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace RaftOrleans.Bench;

/// <summary>
/// DotNext.Net.Cluster 6.12.0 as the established .NET Raft library: n RaftCluster members in this process over
/// loopback TCP, ColdStart = false, an in-memory configuration listing every endpoint, a WriteAheadLog per member
/// (which always flushes on commit in 6.12), writes through the leader's ReplicateAsync.
/// </summary>
internal sealed class DotNextGroup : IAsyncDisposable
{
    private readonly List<RaftCluster> _nodes = [];
    private readonly List<WriteAheadLog> _logs = [];
    private readonly string _root;

    private DotNextGroup(string root) => _root = root;

    public int Count => _nodes.Count;

    public static async Task<DotNextGroup> StartAsync(int members)
    {
        var group = new DotNextGroup(Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-dotnext-{Guid.NewGuid():N}"));
        var endpoints = LoopbackPorts.Take(members).Select(port => new IPEndPoint(IPAddress.Loopback, port)).ToArray();
        for (var i = 0; i < members; i++)
        {
            var config = new RaftCluster.TcpConfiguration(endpoints[i])
            {
                ColdStart = false,
                LowerElectionTimeout = 500,
                UpperElectionTimeout = 1000,
                ConfigurationStorage = null,
            };
            var storage = (InMemoryClusterConfigurationStorage<EndPoint>)config.ConfigurationStorage!;
            var builder = storage.CreateInitialConfigurationBuilder();
            foreach (var endpoint in endpoints)
            {
                builder.Add(endpoint);
            }

            builder.Build();
            var dir = Path.Combine(group._root, $"m{i}");
            Directory.CreateDirectory(dir);
            var wal = new WriteAheadLog(new WriteAheadLog.Options { Location = dir }, new NullStateMachine());
            group._logs.Add(wal);
            group._nodes.Add(new RaftCluster(config) { AuditTrail = wal });
        }

        foreach (var node in group._nodes)
        {
            await node.StartAsync(CancellationToken.None);
        }

        await group.LeaderAsync(TimeSpan.FromSeconds(15));
        return group;
    }

    public async Task<int> LeaderAsync(TimeSpan timeout, int? exclude = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < _nodes.Count; i++)
            {
                if (i != exclude && _nodes[i].Leader is { IsRemote: false })
                {
                    _leader = i;
                    return i;
                }
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("DotNext: no leader");
    }

    public RaftCluster Node(int i) => _nodes[i];

    private int _leader = -1;

    /// <summary>ReplicateAsync on the leader this group last saw; on failure, looks for the leader again.</summary>
    public async Task<bool> ReplicateAsync(byte[] command)
    {
        var leader = _leader;
        if (leader < 0 || _nodes[leader].Leader is not { IsRemote: false })
        {
            Load.Fail("NoLocalLeader");
            _leader = await LeaderAsync(TimeSpan.FromSeconds(5));
            return false;
        }

        await _nodes[leader].ReplicateAsync(new ReadOnlyMemory<byte>(command), null, CancellationToken.None);
        return true;
    }

    /// <summary>Stops one member (its TCP endpoint goes away, as a crashed process's does).</summary>
    public Task StopAsync(int i) => _nodes[i].StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            try
            {
                await node.StopAsync(CancellationToken.None);
            }
            catch (Exception)
            {
            }

            node.Dispose();
        }

        foreach (var log in _logs)
        {
            await log.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class NullStateMachine : IStateMachine
    {
        public ISnapshot? Snapshot => null;

        public ValueTask ReclaimGarbageAsync(long watermark, CancellationToken token) => ValueTask.CompletedTask;

        public ValueTask<long> ApplyAsync(LogEntry entry, CancellationToken token) => ValueTask.FromResult(entry.Index);
    }
}

/// <summary>Diagnostics: DotNext cells alone (e.g. under strace), with the total number of commits including warm-up.</summary>
internal static class DotNextOnlyBench
{
    public static async Task RunAsync(string[] args)
    {
        var proposers = RaftBench.Ints(Load.ArgString(args, "--proposers") ?? "1,64");
        var size = Load.ArgInt(args, "--size", 16);
        Load.Duration = TimeSpan.FromSeconds(Load.ArgInt(args, "--seconds", 2));
        await using var group = await DotNextGroup.StartAsync(3);
        var command = new byte[size];
        long total = 0;
        foreach (var n in proposers)
        {
            var r = await Load.RunAsync(n, async _ =>
            {
                var ok = await group.ReplicateAsync(command);
                Interlocked.Increment(ref total);
                return ok;
            });
            Console.WriteLine($"dotnext {n} proposers {size} B: {r.Rate}/s p50 {r.P50} p99 {r.P99} errors {r.Errors} {r.FailureKinds}");
        }

        Console.WriteLine($"total replicate calls (with warm-up): {total}");
        if (Load.Flag(args, "--stop-follower"))
        {
            var leader = await group.LeaderAsync(TimeSpan.FromSeconds(5));
            await group.StopAsync((leader + 1) % 3);
            try
            {
                await group.Node(leader).ReplicateAsync(new ReadOnlyMemory<byte>(command), null, CancellationToken.None);
                Console.WriteLine("replicate with a follower stopped: ok");
            }
            catch (Exception e)
            {
                Console.WriteLine($"replicate with a follower stopped: {e}");
            }
        }
    }
}
