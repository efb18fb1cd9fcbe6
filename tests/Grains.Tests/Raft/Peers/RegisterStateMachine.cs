using System.Text;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>One value: a command sets it, a query reads it.</summary>
internal sealed class RegisterStateMachine : IRaftStateMachine
{
    private byte[] _value = [];

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    public byte[] Apply(long index, byte[] command) => _value = command;

    public byte[] Query(byte[] query) => _value;

    public byte[] TakeSnapshot() => _value;

    public void Restore(long lastIncludedIndex, byte[] snapshot) => _value = snapshot;
}
