using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.KeyValue.Service;

public static class KeyValueSiloBuilderExtensions
{
    /// <summary>Registers the replicated key/value store as the Raft state machine named <c>kv</c>.</summary>
    public static ISiloBuilder AddKeyValueStore(this ISiloBuilder builder, Action<KeyValueOptions>? configure = null)
    {
        var options = new KeyValueOptions();
        configure?.Invoke(options);
        if (options.MaxKeyLength < 1 || options.MaxValueLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), "Key/value limits must be positive.");
        }

        var limits = new KvLimits(options.MaxKeyLength, options.MaxValueLength);
        builder.Services.AddSingleton(new RaftStateMachineRegistration(KeyValueStore.StateMachineName, _ => new KeyValueStateMachine(limits)));
        return builder;
    }
}
