using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RaftOrleans.Raft.Storage;
using RaftOrleans.Raft.Storage.Redis;
using RaftOrleans.Raft.Storage.Sqlite;
using StackExchange.Redis;

namespace RaftOrleans.Raft.Hosting;

/// <summary>Where the silo's Raft peers keep their state: one <see cref="IRaftStorage"/> per silo.</summary>
public static class RaftStorageSiloBuilderExtensions
{
    /// <summary>Raft storage in an embedded SQLite database, shared by the silos of one machine.</summary>
    public static ISiloBuilder AddSqliteRaftStorage(this ISiloBuilder builder, Action<SqliteRaftStorageOptions> configure)
    {
        builder.Services.AddOptions<SqliteRaftStorageOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteRaftStorageOptions>, SqliteRaftStorageOptionsValidator>());
        builder.Services.AddSingleton<IRaftStorage>(services => new SqliteRaftStorage(
            services.GetRequiredService<IOptions<SqliteRaftStorageOptions>>().Value,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        return builder;
    }

    /// <summary>Raft storage in Redis (run it with <c>appendfsync always</c>), for silos on many hosts.</summary>
    public static ISiloBuilder AddRedisRaftStorage(this ISiloBuilder builder, ConfigurationOptions redis)
    {
        ArgumentNullException.ThrowIfNull(redis);
        var options = redis.Clone();
        builder.Services.AddSingleton<IRaftStorage>(services => new RedisRaftStorage(
            options,
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        return builder;
    }

    /// <summary>Raft storage in this process's memory: lost with the process (tests, benchmarks).</summary>
    public static ISiloBuilder AddMemoryRaftStorage(this ISiloBuilder builder, MemoryRaftStorage? shared = null)
    {
        builder.Services.AddSingleton<IRaftStorage>(shared ?? new MemoryRaftStorage());
        return builder;
    }
}
