using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.KeyValue.Service;

public static class KeyValueSiloBuilderExtensions
{
    /// <summary>
    /// Registers the replicated key/value store as the Raft state machine named <c>kv</c>, with its limits bound from
    /// <see cref="KeyValueOptions.SectionName"/> and then <paramref name="configure"/>.
    /// </summary>
    public static ISiloBuilder AddKeyValueStore(this ISiloBuilder builder, Action<KeyValueOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<KeyValueOptions>().BindConfiguration(KeyValueOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyValueOptions>, KeyValueOptionsValidator>());
        builder.Services.AddSingleton(services =>
        {
            var limits = services.GetRequiredService<IOptions<KeyValueOptions>>().Value.ToLimits();
            return new RaftStateMachineRegistration(KeyValueStore.StateMachineName, _ => new KeyValueStateMachine(limits));
        });
        return builder;
    }
}
