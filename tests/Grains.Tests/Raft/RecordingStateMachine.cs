using System.Buffers.Binary;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The lab's test service: commands are ints; every apply (no-ops too) goes to the group's <see cref="ApplyLog"/>.
/// Its snapshot is the last applied index and what was there (a command, or a no-op), as the lab's snapshot holds the last command.
/// </summary>
public sealed class RecordingStateMachine(RaftPeerIdentity peer) : IRaftStateMachine
{
    public const string Name = "recorder";

    private long _lastApplied;

    /// <summary>The command at <see cref="_lastApplied"/>, or null when that entry is a leader's no-op.</summary>
    private int? _lastValue;

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
        _lastValue = null;
    }

    public byte[] TakeSnapshot()
    {
        var bytes = new byte[13];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _lastApplied);
        bytes[8] = _lastValue is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(9), _lastValue ?? 0);
        return bytes;
    }

    public void Restore(long lastIncludedIndex, byte[] snapshot)
    {
        _lastApplied = BinaryPrimitives.ReadInt64LittleEndian(snapshot);
        _lastValue = snapshot[8] == 0 ? null : BinaryPrimitives.ReadInt32LittleEndian(snapshot.AsSpan(9));
        ApplyLog.For(peer.Group).RecordSnapshot(peer.Peer, _lastApplied, _lastValue);
    }
}
