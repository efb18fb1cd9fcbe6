using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Storage;

namespace RaftOrleans.Grains.Hosting;

public static class SqliteClusteringExtensions
{
    /// <summary>Keeps the cluster's membership table in an embedded SQLite database that the silos of one machine share.</summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder builder, Action<SqliteMembershipOptions> configure)
    {
        builder.Services.AddOptions<SqliteMembershipOptions>().Configure(configure).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SqliteMembershipOptions>, SqliteMembershipOptionsValidator>();
        builder.Services.AddSingleton<IMembershipTable, SqliteMembershipTable>();
        return builder;
    }
}
