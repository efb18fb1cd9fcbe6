using Orleans.TestingHost;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.Sqlite.Hosting;

namespace RaftOrleans.Bench;

/// <summary>An in-process cluster of n silos on a durable SQLite store in a temporary directory.</summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const string DatabaseKey = "Bench:Database";

    private BenchCluster(TestCluster cluster, string root)
    {
        Cluster = cluster;
        Root = root;
    }

    public TestCluster Cluster { get; }

    public string Root { get; }

    public string Scratch => Path.Combine(Root, "scratch");

    public static async Task<BenchCluster> StartAsync(int silos)
    {
        var root = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "scratch"));
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[DatabaseKey] = Path.Combine(root, "grains.db");
        builder.AddSiloBuilderConfigurator<Configurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster, root);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    private sealed class Configurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var database = siloBuilder.Configuration[DatabaseKey]!;
            siloBuilder
                .AddSqliteGrainStorage(StorageNames.MapReduce, options => options.DatabasePath = database)
                .AddMapReduce();
        }
    }
}
