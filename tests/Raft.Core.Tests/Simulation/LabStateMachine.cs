using System.Buffers.Binary;
using System.Text;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// The lab's applier as the state machine of a production peer: every apply goes to the tester's history of the
/// server (with the checks the lab's applier makes), and a snapshot holds the last applied index and value.
/// </summary>
internal sealed class LabStateMachine(LabConfig cfg, int server) : IRaftStateMachine
{
    private long _lastApplied;
    private string _lastValue = string.Empty;

    public byte[] Apply(long index, byte[] command) => Record(index, Encoding.UTF8.GetString(command));

    public void ApplyNoOp(long index) => Record(index, LabConfig.NoOpValue);

    public byte[] TakeSnapshot()
    {
        var value = Encoding.UTF8.GetBytes(_lastValue);
        var bytes = new byte[8 + value.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, _lastApplied);
        value.CopyTo(bytes, 8);
        return bytes;
    }

    public void Restore(long lastIncludedIndex, byte[] snapshot)
    {
        var taken = BinaryPrimitives.ReadInt64LittleEndian(snapshot);
        _lastApplied = lastIncludedIndex;
        _lastValue = Encoding.UTF8.GetString(snapshot.AsSpan(8));
        cfg.PeerRestored(server, lastIncludedIndex, taken, _lastValue);
    }

    private byte[] Record(long index, string value)
    {
        cfg.PeerApplied(server, index, value);
        _lastApplied = index;
        _lastValue = value;
        return [];
    }
}
