using System.Net;
using Microsoft.Extensions.Options;

namespace RaftOrleans.Grains.Hosting;

public static class SiloHostExtensions
{
    /// <summary>
    /// Configures a whole Raft.Orleans silo: clustering, durable storage for every grain that needs it,
    /// and the MapReduce grains. Used by the silo host and by the client's embedded silo alike.
    /// </summary>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static ISiloBuilder AddRaftOrleansSilo(this ISiloBuilder builder, SiloHostOptions options)
    {
        var result = new SiloHostOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(SiloHostOptions.SectionName, typeof(SiloHostOptions), result.Failures);
        }

        builder.UseLocalhostClustering(
            options.SiloPort,
            options.GatewayPort,
            new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort),
            options.ServiceId,
            options.ClusterId);

        foreach (var storage in new[] { StorageNames.MapReduce, StorageNames.Raft })
        {
            builder.AddSqliteGrainStorage(storage, sqlite => sqlite.DatabasePath = options.DatabasePath);
        }

        return builder.AddMapReduce();
    }
}
