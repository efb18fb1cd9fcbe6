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

    [Fact]
    public async Task AReadAskedWhileTheLeadersSaveIsOut_IsAnswered_BeforeTheSaveCompletes()
    {
        var t = await LeaderWithOneCommittedEntryAsync();

        // A write's save is held (a state-sized snapshot, a slow disk): the read must not wait for it.
        t.Saves.Hold();
        var held = t.Peer.ExecuteAsync(Bytes("b"));
        t.Sent.Clear();
        var read = t.Peer.QueryAsync(Bytes("q"));
        var round = t.Sent.OfType<AppendEntriesRequest>().Max(m => m.ReadRound);
        Assert.True(round > 0, "no round of heartbeats started for the read");
        t.Peer.Deliver([new AppendEntriesResponse("p2", "p0", t.Node.CurrentTerm, true, 1, 0, 0, 0, round)]);

        Assert.Equal("read q at 1", Encoding.UTF8.GetString(await read.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.False(held.IsCompleted);
        t.Saves.Release();
    }

    [Fact]
    public async Task WhileItsStorageRefusesSaves_ALeaderRefusesNewCommandsAtOnce_ServesReads_AndFinishesTheWaitingOnesOnceItSavesAgain()
    {
        var t = await LeaderWithOneCommittedEntryAsync();

        t.Saves.Full = true;
        var waiting = t.Peer.ExecuteAsync(Bytes("b"));
        Assert.Equal(1, t.Saves.Refused);
        var refused = Assert.Throws<RaftStorageUnavailableException>(() => { _ = t.Peer.ExecuteAsync(Bytes("c")); });
        Assert.Contains("nothing was written", refused.Message, StringComparison.Ordinal);

        t.Sent.Clear();
        var read = t.Peer.QueryAsync(Bytes("q"));
        var round = t.Sent.OfType<AppendEntriesRequest>().Max(m => m.ReadRound);
        t.Peer.Deliver([new AppendEntriesResponse("p2", "p0", t.Node.CurrentTerm, true, 1, 0, 0, 0, round)]);
        Assert.Equal("read q at 1", Encoding.UTF8.GetString(await read.WaitAsync(TimeSpan.FromSeconds(10))));

        // Space again: the save is retried after its pause, and "b" commits once a follower has it too.
        t.Saves.Full = false;
        t.Time.Advance(TimeSpan.FromSeconds(1));
        t.Peer.Deliver([new AppendEntriesResponse("p1", "p0", t.Node.CurrentTerm, true, 2, 0, 0, 0)]);
        Assert.Equal("b", Encoding.UTF8.GetString(await waiting.WaitAsync(TimeSpan.FromSeconds(10))));
        Assert.Null(t.Peer.StorageFailure);
        Assert.False(t.Peer.IsStopped);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>p0 leads p1 and p2, and has committed and applied "a" at index 1 with p1.</summary>
    private static async Task<PeerUnderTest> LeaderWithOneCommittedEntryAsync()
    {
        var t = new PeerUnderTest(new EchoStateMachine(), "p0", "p1", "p2");
        t.WinElection("p1");
        var first = t.Peer.ExecuteAsync(Bytes("a"));
        t.Peer.Deliver([new AppendEntriesResponse("p1", "p0", t.Node.CurrentTerm, true, 1, 0, 0, 0)]);
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        return t;
    }

    /// <summary>Answers each command with itself and a query with the index it read at; refuses one command by throwing, changing nothing.</summary>
    private sealed class EchoStateMachine : IRaftStateMachine
    {
        public const string Poison = "poison";

        private long _applied;

        public byte[] Apply(long index, byte[] command)
        {
            if (Encoding.UTF8.GetString(command) == Poison)
            {
                throw new InvalidOperationException("this state machine refuses poison");
            }

            _applied = index;
            return command;
        }

        public byte[] Query(byte[] query) => Encoding.UTF8.GetBytes($"read {Encoding.UTF8.GetString(query)} at {_applied}");

        public byte[] TakeSnapshot() => [];

        public void Restore(long lastIncludedIndex, byte[] snapshot)
        {
        }
    }
}
