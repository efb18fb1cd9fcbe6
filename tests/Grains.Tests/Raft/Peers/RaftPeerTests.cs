using System.Text;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>What the peer's host-independent loop promises its callers: waiters resolve, bad commands are reported.</summary>
public sealed class RaftPeerTests
{
    [Fact]
    public async Task ALeaderReusingAnIndexOfItsEarlierTerm_FailsTheEarlierCaller_InsteadOfLeavingItWaiting()
    {
        var t = new PeerUnderTest(new EchoStateMachine(), "p0", "p1", "p2");
        t.WinElection("p1");
        var first = t.Peer.ExecuteAsync(Bytes("a"));
        var second = t.Peer.ExecuteAsync(Bytes("b"));
        Assert.Equal(2, t.Node.LastIndex);

        // p1 leads term 2 and replaces the whole log with one entry of its own; nothing is committed.
        t.Peer.Deliver([new AppendEntriesRequest("p1", "p0", t.Node.CurrentTerm + 1, 0, 0, [new LogEntry(1, t.Node.CurrentTerm + 1, Bytes("x"))], 0)]);
        Assert.Equal(1, t.Node.LastIndex);

        // p0 wins term 3 and appends at index 2 again: "b" of the first term can never commit there.
        t.WinElection("p2");
        var third = t.Peer.ExecuteAsync(Bytes("c"));
        Assert.Equal(2, t.Node.LastIndex);
        var lost = await Assert.ThrowsAsync<LeadershipLostException>(() => second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("index 2", lost.Message, StringComparison.Ordinal);
        Assert.False(first.IsCompleted);
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task AStateMachineThatRejectsACommand_FailsThatCaller_AndThePeerGoesOn()
    {
        var t = new PeerUnderTest(new EchoStateMachine(), "p0");
        t.WinElection();

        var rejected = await Assert.ThrowsAsync<RaftCommandFailedException>(() => t.Peer.ExecuteAsync(Bytes(EchoStateMachine.Poison)));
        Assert.Equal(1, rejected.Index);
        Assert.Contains("refuses", rejected.Message, StringComparison.Ordinal);

        Assert.Equal("fine", Encoding.UTF8.GetString(await t.Peer.ExecuteAsync(Bytes("fine"))));
        Assert.False(t.Peer.IsStopped);
        Assert.Equal(2, t.Node.LastApplied);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Answers each command with itself; refuses one command by throwing, changing nothing.</summary>
    private sealed class EchoStateMachine : IRaftStateMachine
    {
        public const string Poison = "poison";

        public byte[] Apply(long index, byte[] command) =>
            Encoding.UTF8.GetString(command) == Poison ? throw new InvalidOperationException("this state machine refuses poison") : command;

        public byte[] TakeSnapshot() => [];

        public void Restore(long lastIncludedIndex, byte[] snapshot)
        {
        }
    }
}
