using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using RaftOrleans.Sqlite.Clustering;

namespace RaftOrleans.Sqlite.Hosting;

/// <summary>Orleans' cluster tables in embedded SQLite databases that the silos of one machine share.</summary>
public static class SqliteClusteringExtensions
{
    private const string Membership = "membership";
    private const string Reminders = "reminders";

    /// <summary>Keeps the cluster's membership table in SQLite: no silo holds it.</summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder builder, Action<SqliteTableOptions> configure)
    {
        AddOptions(builder, Membership, configure);
        builder.Services.AddSingleton<IMembershipTable>(services => new SqliteMembershipTable(
            services.GetRequiredService<IOptionsMonitor<SqliteTableOptions>>().Get(Membership),
            services.GetRequiredService<IOptions<ClusterOptions>>(),
            services.GetRequiredService<Serializer<MembershipEntry>>()));
        return builder;
    }

    /// <summary>Keeps the service's reminders in SQLite: they outlive every silo.</summary>
    public static ISiloBuilder UseSqliteReminderService(this ISiloBuilder builder, Action<SqliteTableOptions> configure)
    {
        AddOptions(builder, Reminders, configure);
        builder.AddReminders();
        builder.Services.AddSingleton<IReminderTable>(services => new SqliteReminderTable(
            services.GetRequiredService<IOptionsMonitor<SqliteTableOptions>>().Get(Reminders),
            services.GetRequiredService<IOptions<ClusterOptions>>()));
        return builder;
    }

    private static void AddOptions(ISiloBuilder builder, string table, Action<SqliteTableOptions> configure)
    {
        builder.Services.AddOptions<SqliteTableOptions>(table).Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteTableOptions>, SqliteTableOptionsValidator>());
    }
}
