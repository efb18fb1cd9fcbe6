using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.KeyValue.Service;

/// <summary>The key/value store as a Raft peer's state machine; its snapshot includes the client sessions.</summary>
internal sealed class KeyValueStateMachine(KvLimits limits) : IRaftStateMachine
{
    private readonly KeyValueStore _store = new(limits);

    public byte[] Apply(long index, byte[] command)
    {
        KvCommand decoded;
        try
        {
            decoded = KvCommand.Decode(command);
        }
        catch (FormatException exception)
        {
            // Every peer rejects the same bytes the same way, so a bad command changes nothing anywhere.
            return new KvReply(string.Empty, exception.Message).Encode();
        }

        return _store.Apply(decoded).Encode();
    }

    /// <summary>A Get or a Scan, answered from the applied state: the peer calls it only once the read is linearizable.</summary>
    public byte[] Query(byte[] query)
    {
        KvCommand decoded;
        try
        {
            decoded = KvCommand.Decode(query);
        }
        catch (FormatException exception)
        {
            return new KvReply(string.Empty, exception.Message).Encode();
        }

        return _store.Query(decoded).Encode();
    }

    public byte[] TakeSnapshot() => _store.Snapshot();

    /// <summary>A copy of the store's references here; the bytes, tens of megabytes for a large store, wherever the peer runs the function.</summary>
    public Func<byte[]> CaptureSnapshot() => _store.CaptureSnapshot();

    public void Restore(long lastIncludedIndex, byte[] snapshot) => _store.Restore(snapshot);
}
