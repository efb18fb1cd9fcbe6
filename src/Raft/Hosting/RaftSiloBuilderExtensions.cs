using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Addressing;
using RaftOrleans.Raft.Diagnostics;
using RaftOrleans.Raft.Leadership;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Placement;

namespace RaftOrleans.Raft.Hosting;

public static class RaftSiloBuilderExtensions
{
    /// <summary>
    /// Adds the Raft peer grains, their options bound from <see cref="RaftOptions.SectionName"/> and then
    /// <paramref name="configure"/>. The host must also register a Raft storage (<c>AddSqliteRaftStorage</c>,
    /// <c>AddRedisRaftStorage</c>); a reminder service is optional (peers then recover on the next call).
    /// </summary>
    public static ISiloBuilder AddRaft(this ISiloBuilder builder, Action<RaftOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<RaftOptions>().BindConfiguration(RaftOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RaftOptions>, RaftOptionsValidator>());
        builder.Services.TryAddSingleton<RaftStateMachineRegistry>();
        builder.Services.TryAddSingleton<LocalPeers>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, LeaderHandOver>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Orleans takes the external directories' cache from the container when one is registered.
        builder.Services.TryAddSingleton<IGrainDirectoryCache>(services => new ExpiringAddressCache(
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<RaftOptions>>().Value.AddressCacheTtl,
            services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize));
        builder.AddPlacementDirector<RaftPeerPlacement, RaftPeerPlacementDirector>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RaftMetricsLog>());
        return builder;
    }

    /// <summary>Makes a state machine available to Raft groups by name.</summary>
    public static ISiloBuilder AddRaftStateMachine(this ISiloBuilder builder, string name, Func<RaftPeerIdentity, IRaftStateMachine> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddSingleton(new RaftStateMachineRegistration(name, create));
        return builder;
    }
}
