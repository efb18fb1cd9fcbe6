using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using RaftOrleans.Sqlite.Persistence;

namespace RaftOrleans.Sqlite.Hosting;

public static class SqliteGrainStorageExtensions
{
    /// <summary>Adds a durable SQLite grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Action<SqliteGrainStorageOptions> configure)
    {
        builder.Services.AddOptions<SqliteGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SqliteGrainStorageOptions>, SqliteGrainStorageOptionsValidator>();
        builder.Services.AddGrainStorage(name, static (services, providerName) => new SqliteGrainStorage(
            providerName,
            services.GetRequiredService<IOptionsMonitor<SqliteGrainStorageOptions>>().Get(providerName),
            new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()),
            services.GetRequiredService<IOptions<Orleans.Configuration.ClusterOptions>>()));
        return builder;
    }
}
