using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.Sqlite.Hosting;
using RaftOrleans.Sqlite.Persistence;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>
/// Every test silo: durable SQLite storage shared by all silos of the cluster (it survives a silo kill,
/// as a lab persister does) behind a fault switch, the MapReduce grains, and the lab's test apps. Backup tasks are
/// off unless a fixture turns them on: the lab's scenarios expect each map to run once in a healthy job.
/// </summary>
public sealed class MapReduceSiloConfigurator : ISiloConfigurator
{
    public const string DatabaseKey = "MapReduceTests:Database";
    public const string ScratchKey = "MapReduceTests:Scratch";
    public const string TaskTimeoutKey = "MapReduceTests:TaskTimeoutMs";
    public const string MaxStallKey = "MapReduceTests:MaxStallMs";
    public const string BackupTasksKey = "MapReduceTests:BackupTasks";

    public void Configure(ISiloBuilder siloBuilder)
    {
        var configuration = siloBuilder.Configuration;
        var scratch = configuration[ScratchKey] ?? throw new InvalidOperationException($"{ScratchKey} is not set.");
        var database = configuration[DatabaseKey] ?? throw new InvalidOperationException($"{DatabaseKey} is not set.");
        var timeout = TimeSpan.FromMilliseconds(configuration.GetValue(TaskTimeoutKey, 10_000));
        var maxStall = TimeSpan.FromMilliseconds(configuration.GetValue(MaxStallKey, 0));
        var backups = configuration.GetValue(BackupTasksKey, false);

        siloBuilder
            .AddSqliteGrainStorage(StorageNames.MapReduce, options => options.DatabasePath = database)
            .AddMapReduce(options =>
            {
                options.TaskTimeout = timeout;
                options.BackupTasks = backups;
            })
            .AddMapReduceApp(MapTimingApp.AppName, new MapTimingApp(scratch))
            .AddMapReduceApp(ReduceTimingApp.AppName, new ReduceTimingApp(scratch))
            .AddMapReduceApp(JobCountApp.AppName, new JobCountApp(scratch))
            .AddMapReduceApp(EarlyExitApp.AppName, new EarlyExitApp())
            .AddMapReduceApp(GatedApp.AppName, new GatedApp())
            .AddMapReduceApp(SteadyApp.AppName, new SteadyApp())
            .AddMapReduceApp(StragglerApp.AppName, new StragglerApp())
            .AddMapReduceApp(StallOnceApp.AppName, new StallOnceApp())
            .AddMapReduceApp(CrashApp.NoCrashName, new CrashApp(killSwitch: null, maxStall))
            .AddMapReduceApp(CrashApp.CrashName, new CrashApp(MapReduceCrashTests.KillSwitch, maxStall));

        // The same SQLite store behind a fault switch (registered last, so grains resolve this one).
        siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.MapReduce, (services, _) => new FaultyGrainStorage(new SqliteGrainStorage(
            StorageNames.MapReduce,
            services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(StorageNames.MapReduce),
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            services.GetRequiredService<IOptions<ClusterOptions>>())));
    }
}
