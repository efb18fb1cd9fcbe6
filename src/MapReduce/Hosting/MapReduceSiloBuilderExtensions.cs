using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Placement;

namespace RaftOrleans.MapReduce.Hosting;

public static class MapReduceSiloBuilderExtensions
{
    /// <summary>
    /// Adds the MapReduce grains with the built-in apps (<c>wc</c>, <c>indexer</c>), their options bound from
    /// <see cref="MapReduceOptions.SectionName"/> and then <paramref name="configure"/>. The host must also
    /// register a durable grain storage named <see cref="StorageNames.MapReduce"/>.
    /// </summary>
    public static ISiloBuilder AddMapReduce(this ISiloBuilder builder, Action<MapReduceOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<MapReduceOptions>().BindConfiguration(MapReduceOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MapReduceOptions>, MapReduceOptionsValidator>());
        builder.Services.TryAddSingleton<MapReduceAppRegistry>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddPlacementDirector<SpreadPlacement, SpreadPlacementDirector>();
        return builder
            .AddMapReduceApp(WordCountApp.AppName, new WordCountApp())
            .AddMapReduceApp(IndexerApp.AppName, new IndexerApp());
    }

    /// <summary>Makes <paramref name="app"/> runnable by name on this silo.</summary>
    public static ISiloBuilder AddMapReduceApp(this ISiloBuilder builder, string name, IMapReduceApp app)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddSingleton(new MapReduceAppRegistration(name, app));
        return builder;
    }
}
