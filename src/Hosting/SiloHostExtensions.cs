using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using RaftOrleans.KeyValue.Service;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Sqlite.Hosting;

namespace RaftOrleans.Hosting;

public static class SiloHostExtensions
{
    /// <summary>
    /// Configures a whole Raft.Orleans silo: clustering, durable storage for every grain that needs it, a reminder
    /// service, and the grains. Without <see cref="SiloHostOptions.Redis"/>: the embedded SQLite stores, membership and
    /// reminder tables included (one machine). With it: Redis clustering, grain storage and
    /// reminders (many hosts). Used by the silo host and by the client's embedded silo alike.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static ISiloBuilder AddRaftOrleansSilo(this ISiloBuilder builder, SiloHostOptions options)
    {
        var result = new SiloHostOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(SiloHostOptions.SectionName, typeof(SiloHostOptions), result.Failures);
        }

        if (options.UsesRedis)
        {
            UseRedis(builder, options);
        }
        else
        {
            if (options.SingleSilo)
            {
                // Nothing outlives this one silo's cluster, so its tables live in its memory; its reminders stay
                // out of the shared database, where they would fire for the grains of the machine's cluster.
                builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, null, options.ServiceId, options.ClusterId);
                builder.UseInMemoryReminderService();
            }
            else
            {
                ConfigureCluster(builder, options);
                builder.ConfigureEndpoints(IPAddress.Loopback, options.SiloPort, options.GatewayPort);
                builder.UseSqliteClustering(sqlite => sqlite.DatabasePath = options.MembershipDatabasePath);
                builder.UseSqliteReminderService(sqlite => sqlite.DatabasePath = options.RemindersDatabasePath);
            }

            builder.AddSqliteGrainStorage(StorageNames.MapReduce, sqlite => sqlite.DatabasePath = options.DatabasePath);
            builder.AddSqliteRaftStorage(sqlite => sqlite.Directory = options.RaftDirectory);
            builder.AddSqliteGrainDirectory(DirectoryNames.RaftPeers, sqlite => sqlite.DatabasePath = options.DirectoryDatabasePath);
        }

        if (options.FastFailureDetection)
        {
            builder.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 2;
            });
        }

        return builder.AddMapReduce()
            .AddRaft()
            .AddKeyValueStore();
    }

    private static void UseRedis(ISiloBuilder builder, SiloHostOptions options)
    {
        var redis = SiloHostRedis.TryParse(options.Redis!, out _)!;
        ConfigureCluster(builder, options);
        builder.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedIPAddress), options.SiloPort, options.GatewayPort, options.ListenOnAnyHostAddress);
        builder.UseRedisClustering(clustering => clustering.ConfigurationOptions = redis.Clone());
        // Orleans' own binary serializer, as the SQLite store uses: the grain states are [GenerateSerializer] types.
        builder.AddRedisGrainStorage(StorageNames.MapReduce, optionsBuilder => optionsBuilder.Configure<Serializer>((storageOptions, serializer) =>
        {
            storageOptions.ConfigurationOptions = redis.Clone();
            storageOptions.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        builder.AddRedisRaftStorage(redis);
        builder.AddRedisGrainDirectory(DirectoryNames.RaftPeers, directory => directory.ConfigurationOptions = redis.Clone());

        builder.UseRedisReminderService(reminders => reminders.ConfigurationOptions = redis.Clone());
    }

    private static void ConfigureCluster(ISiloBuilder builder, SiloHostOptions options) =>
        builder.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
}
