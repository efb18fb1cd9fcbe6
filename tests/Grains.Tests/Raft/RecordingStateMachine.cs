using System.Buffers.Binary;
using RaftOrleans.Grains.Raft.StateMachines;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The lab's test service: commands are ints; every apply (no-ops too) goes to the group's <see cref="ApplyLog"/>.
/// Its snapshot is the last applied index and command, as the lab's snapshot holds the last command.
/// </summary>
public sealed class RecordingStateMachine(RaftPeerIdentity peer) : IRaftStateMachine
{
    public const string Name = "recorder";

    private long _lastApplied;
    private int _lastValue;

    public static byte[] Command(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    public byte[] Apply(long index, byte[] command)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(command);
        ApplyLog.For(peer.Group).Record(peer.Peer, index, value, _lastApplied);
        _lastApplied = index;
        _lastValue = value;
        return [];
    }

    public void ApplyNoOp(long index)
    {
        ApplyLog.For(peer.Group).Record(peer.Peer, index, null, _lastApplied);
        _lastApplied = index;
    }

    public byte[] TakeSnapshot()
    {
        var bytes = new byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _lastApplied);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), _lastValue);
        return bytes;
    }

    public void Restore(long lastIncludedIndex, byte[] snapshot)
    {
        _lastApplied = BinaryPrimitives.ReadInt64LittleEndian(snapshot);
        _lastValue = BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(8));
        ApplyLog.For(peer.Group).RecordSnapshot(peer.Peer, _lastApplied, _lastValue);
    }
}
