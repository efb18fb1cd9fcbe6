using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using RaftOrleans.Sqlite.GrainDirectory;

namespace RaftOrleans.Sqlite.Hosting;

public static class SqliteGrainDirectoryExtensions
{
    /// <summary>Adds a grain directory named <paramref name="name"/> in an embedded SQLite database.</summary>
    public static ISiloBuilder AddSqliteGrainDirectory(this ISiloBuilder builder, string name, Action<SqliteGrainDirectoryOptions> configure)
    {
        var options = new SqliteGrainDirectoryOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.DatabasePath) || options.BusyTimeout <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(name, typeof(SqliteGrainDirectoryOptions), [$"Grain directory '{name}': a database path and a positive busy timeout are required."]);
        }

        return builder.AddGrainDirectory(name, (services, directoryName) =>
            new SqliteGrainDirectory(directoryName, options, services.GetRequiredService<IOptions<ClusterOptions>>()));
    }
}
