using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.MapReduce.Placement;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Storage;
using RaftOrleans.Sqlite.Hosting;
using StackExchange.Redis;

namespace RaftOrleans.Bench;

/// <summary>Where the Raft peers keep their log: SQLite (fsync per commit), Redis (AOF, fsync always) or this process's memory.</summary>
internal enum RaftStorage
{
    Sqlite,
    Redis,
    Memory,
}

/// <summary>An in-process cluster of n silos running Raft peer grains on one storage kind, plus a trivial grain.</summary>
internal sealed class RaftBenchCluster : IAsyncDisposable
{
    private const string StorageKey = "Bench:RaftStorage";
    private const string DatabaseKey = "Bench:RaftDatabase";
    private const string RedisKey = "Bench:Redis";

    private RaftBenchCluster(TestCluster cluster, string root, RaftStorage storage)
    {
        Cluster = cluster;
        Root = root;
        Storage = storage;
    }

    public TestCluster Cluster { get; }

    public string Root { get; }

    public RaftStorage Storage { get; }

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static async Task<RaftBenchCluster> StartAsync(int silos, RaftStorage storage, string? redis = null)
    {
        var root = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[StorageKey] = storage.ToString();
        builder.Properties[DatabaseKey] = Path.Combine(root, "raft");
        builder.Properties[RedisKey] = redis ?? string.Empty;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<Configurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new RaftBenchCluster(cluster, root, storage);
    }

    public IServiceProvider SiloServices(int silo) => ((InProcessSiloHandle)Cluster.Silos[silo]).SiloHost.Services;

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Configurator : ISiloConfigurator
    {
        /// <summary>One memory store for the silos of the process, so a peer that moves keeps its state.</summary>
        private static readonly MemoryRaftStorage Memory = new();

        public void Configure(ISiloBuilder siloBuilder)
        {
            var storage = Enum.Parse<RaftStorage>(siloBuilder.Configuration[StorageKey]!);
            _ = storage switch
            {
                RaftStorage.Sqlite => siloBuilder
                    .AddSqliteRaftStorage(o => o.Directory = siloBuilder.Configuration[DatabaseKey]!)
                    .AddSqliteGrainDirectory(DirectoryNames.RaftPeers, o => o.DatabasePath = siloBuilder.Configuration[DatabaseKey]! + ".directory"),
                RaftStorage.Memory => siloBuilder
                    .AddMemoryRaftStorage(Memory)
                    .AddSqliteGrainDirectory(DirectoryNames.RaftPeers, o => o.DatabasePath = siloBuilder.Configuration[DatabaseKey]! + ".directory"),
                RaftStorage.Redis => siloBuilder
                    .AddRedisRaftStorage(ConfigurationOptions.Parse(siloBuilder.Configuration[RedisKey]!))
                    .AddRedisGrainDirectory(DirectoryNames.RaftPeers, o => o.ConfigurationOptions = ConfigurationOptions.Parse(siloBuilder.Configuration[RedisKey]!)),
                _ => throw new ArgumentOutOfRangeException(nameof(storage)),
            };
            siloBuilder
                .AddRaft()
                .AddRaftStateMachine(CounterStateMachine.Name, _ => new CounterStateMachine())
                .AddOutgoingGrainCallFilter<DropFilter>();
            // Round-robin placement as the default: a group's peers land on different silos, so Raft messages cross
            // the (loopback) network as DotNext's do.
            siloBuilder.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
            siloBuilder.Services.AddSingleton<PlacementStrategy>(SpreadPlacement.Instance);
        }
    }
}

/// <summary>The replicated application of the benchmark: counts commands, returns nothing.</summary>
internal sealed class CounterStateMachine : IRaftStateMachine
{
    public const string Name = "bench-counter";

    private long _applied;

    public byte[] Apply(long index, byte[] command)
    {
        _applied++;
        return [];
    }

    public byte[] TakeSnapshot() => BitConverter.GetBytes(_applied);

    public void Restore(long lastIncludedIndex, byte[] snapshot) => _applied = BitConverter.ToInt64(snapshot);
}

/// <summary>A crashed peer: every Raft message to or from it is dropped (so no call reactivates it).</summary>
internal sealed class DropFilter : IOutgoingGrainCallFilter
{
    public static ConcurrentDictionary<string, bool> Dead { get; } = new(StringComparer.Ordinal);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!Dead.IsEmpty
            && context.InterfaceMethod?.Name is nameof(IRaftPeerGrain.DeliverAsync) or nameof(IRaftPeerGrain.DeliverConfirmedAsync)
            && (Dead.ContainsKey(context.TargetId.Key.ToString()!) || (context.SourceId is { } source && Dead.ContainsKey(source.Key.ToString()!))))
        {
            return Task.CompletedTask;
        }

        return context.Invoke();
    }
}

/// <summary>A trivial grain: the ceiling of grain-call rate on the same cluster.</summary>
[Alias("bench.IPingGrain")]
public interface IPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping")]
    Task<int> PingAsync(byte[] payload);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<int> PingAsync(byte[] payload) => Task.FromResult(payload.Length);
}

/// <summary>One Raft group of peer grains: start, find the leader, execute with redirects.</summary>
internal sealed class RaftGroup(IGrainFactory grains, string name, int peers)
{
    private volatile IRaftPeerGrain? _leader;

    public string Name { get; } = name;

    public IGrainFactory Grains => grains;

    public int Count { get; } = peers;

    public RaftGroupConfig Config { get; } = new(name, Enumerable.Range(0, peers).Select(i => $"p{i}").ToArray(), CounterStateMachine.Name);

    public IRaftPeerGrain Peer(int i) => grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Name, $"p{i}"));

    public string PeerKey(int i) => RaftGroupConfig.PeerKey(Name, $"p{i}");

    public async Task StartAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Peer(i).InitializeAsync(Config)));
        await FindLeaderAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Polls until a live peer claims leadership in a term above <paramref name="aboveTerm"/>; returns (index, term).</summary>
    public async Task<(int Index, long Term)> FindLeaderAsync(TimeSpan timeout, long aboveTerm = -1, int? exclude = null, int pollMs = 5)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < Count; i++)
            {
                if (i == exclude)
                {
                    continue;
                }

                var state = await Peer(i).GetStateAsync();
                if (state.IsLeader && state.Term > aboveTerm)
                {
                    _leader = Peer(i);
                    return (i, state.Term);
                }
            }

            await Task.Delay(pollMs);
        }

        throw new TimeoutException($"no leader in group {Name} within {timeout}");
    }

    /// <summary>
    /// How proposers wait for commit: <c>ExecuteAsync</c> when the peer grain serves it, else <c>StartAsync</c> plus a
    /// client-side commit watcher that polls the leader's <c>GetStateAsync</c> (AlwaysInterleave) back to back and
    /// releases every proposer whose index the leader has applied in the same term.
    /// </summary>
    public static bool UseExecute { get; set; } = true;

    public Task<bool> ProposeAsync(byte[] command) => UseExecute ? ExecuteAsync(command) : StartAndWaitAsync(command);

    public async Task<bool> ExecuteAsync(byte[] command)
    {
        var leader = _leader ?? Peer(0);
        try
        {
            await leader.ExecuteAsync(command);
            return true;
        }
        catch (NotLeaderException e)
        {
            Load.Fail("NotLeader");
            Redirect(e.LeaderHint);
            return false;
        }
        catch (LeadershipLostException)
        {
            Load.Fail("LeadershipLost");
            return false;
        }
    }

    private readonly object _watchLock = new();
    private readonly PriorityQueue<(long Term, TaskCompletionSource<bool> Done), long> _waiting = new();
    private TaskCompletionSource? _wake;
    private Task? _watcher;

    public async Task<bool> StartAndWaitAsync(byte[] command)
    {
        var leader = _leader ?? Peer(0);
        var started = await leader.StartAsync(command);
        if (!started.IsLeader)
        {
            Load.Fail("NotLeader");
            Redirect(started.LeaderHint);
            return false;
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? wake;
        lock (_watchLock)
        {
            _waiting.Enqueue((started.Term, done), started.Index);
            wake = _wake;
            _wake = null;
            _watcher ??= Task.Run(WatchAsync);
        }

        wake?.TrySetResult();
        if (!await done.Task)
        {
            Load.Fail("LeadershipLost");
            return false;
        }

        return true;
    }

    private async Task WatchAsync()
    {
        while (true)
        {
            Task? idle = null;
            lock (_watchLock)
            {
                if (_waiting.Count == 0)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    idle = _wake.Task;
                }
            }

            if (idle is not null)
            {
                await idle;
            }

            PeerState state;
            try
            {
                state = await (_leader ?? Peer(0)).GetStateAsync();
            }
            catch (Exception)
            {
                await Task.Delay(5);
                continue;
            }

            var released = new List<(TaskCompletionSource<bool>, bool)>();
            lock (_watchLock)
            {
                while (_waiting.TryPeek(out var waiter, out var index) && (index <= state.LastApplied || state.Term != waiter.Term || !state.IsLeader))
                {
                    _waiting.Dequeue();
                    released.Add((waiter.Done, state.Term == waiter.Term && state.IsLeader));
                }
            }

            foreach (var (done, ok) in released)
            {
                done.TrySetResult(ok);
            }
        }
    }

    private void Redirect(string? hint) =>
        _leader = hint is { } h ? grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Name, h)) : null;

    /// <summary>
    /// Whether ExecuteAsync completes on this group (a throwaway group: if it does not, the blocked leader and its
    /// peers are cut off by <see cref="DropFilter"/> for the rest of the run).
    /// </summary>
    public async Task<bool> ExecuteWorksAsync(TimeSpan timeout)
    {
        var (leader, _) = await FindLeaderAsync(TimeSpan.FromSeconds(10));
        var call = Peer(leader).ExecuteAsync([0]);
        if (await Task.WhenAny(call, Task.Delay(timeout)) == call && call.IsCompletedSuccessfully)
        {
            return true;
        }

        _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
        for (var i = 0; i < Count; i++)
        {
            DropFilter.Dead[PeerKey(i)] = true;
        }

        return false;
    }

    /// <summary>Silos hosting the peers, as "a/b/c" counts per silo.</summary>
    public async Task<string> PlacementAsync()
    {
        var silos = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            silos.Add((await Peer(i).GetStateAsync()).Silo);
        }

        return string.Join("+", silos.GroupBy(s => s).Select(g => g.Count()).OrderDescending());
    }
}
