using RaftOrleans.Grains.Interfaces.KeyValue;
using RaftOrleans.Grains.KeyValue;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Hosting;

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
        return builder.AddRaftStateMachine(KeyValueClient.StateMachineName, _ => new KeyValueStateMachine(limits));
    }
}
