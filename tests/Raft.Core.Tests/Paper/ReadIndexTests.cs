namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// Thesis §6.4: a leader serves a read at its commit index once a majority has confirmed, after the read arrived,
/// that it still leads; a deposed leader cut off from the majority never confirms one.
/// </summary>
public sealed class ReadIndexTests
{
    [Fact]
    public void ALeaderConfirmsAReadAtItsCommitIndex_AfterAMajorityAnswersARoundStartedAfterIt()
    {
        var c = new MiniCluster(3);
        var leader = c[c.Elect("n1")];
        c.Propose("n1", "a");
        c.Propose("n1", "b");
        Assert.Equal(2, leader.CommitIndex);

        Assert.True(leader.RequestRead(7).Accepted);
        c.Process("n1");
        Assert.Empty(c.Reads["n1"]);
        c.Deliver();

        Assert.Equal([new ReadState(7, 2)], c.Reads["n1"]);
        Assert.Equal(2, leader.CommitIndex);
    }

    [Fact]
    public void AFollower_RejectsAReadWithTheLeaderItKnows()
    {
        var c = new MiniCluster(3);
        c.Elect("n1");
        c.Propose("n1", "a");
        Assert.Equal(new ReadRequestResult(false, "n1"), c["n2"].RequestRead(1));
    }

    [Fact]
    public void ALeaderThatHasNotCommittedInItsTerm_HoldsTheReadUntilItHas()
    {
        // The lab's mode: no no-op, so a new leader's commit index may still lag what earlier leaders committed.
        var c = new MiniCluster(3);
        var leader = c[c.Elect("n1")];
        Assert.True(leader.RequestRead(1).Accepted);
        c.Deliver();
        c.TickAll(4);
        Assert.Empty(c.Reads["n1"]);

        c.Propose("n1", "a");
        c.TickAll(2);
        Assert.Equal([new ReadState(1, 1)], c.Reads["n1"]);
    }

    [Fact]
    public void ALeaderCutOffFromTheMajority_NeverConfirmsARead_AndFailsItWhenItStepsDown()
    {
        var c = new MiniCluster(3);
        var old = c[c.Elect("n1")];
        c.Propose("n1", "a");
        c.Isolate("n1");
        c.Elect("n2");
        c.Propose("n2", "b");

        // n1 still believes it leads; the majority has moved on and committed "b" without it.
        Assert.True(old.RequestRead(9).Accepted);
        c.Tick("n1", 3);
        Assert.Empty(c.Reads["n1"]);

        c.Heal();
        c.TickAll(3);
        Assert.False(old.GetState().IsLeader);
        Assert.Equal([new ReadState(9, -1)], c.Reads["n1"]);
    }

    [Fact]
    public void ASinglePeerGroup_ConfirmsAReadAtOnce()
    {
        var c = new MiniCluster(1);
        var only = c[c.Elect("n1")];
        c.Propose("n1", "a");
        Assert.True(only.RequestRead(3).Accepted);
        c.Process("n1");
        Assert.Equal([new ReadState(3, 1)], c.Reads["n1"]);
    }

    [Fact]
    public void ReadsArrivingTogether_ShareOneRound()
    {
        var c = new MiniCluster(3);
        var leader = c[c.Elect("n1")];
        c.Propose("n1", "a");
        var before = c.Sent.Count(m => m is AppendEntriesRequest { From: "n1" });
        leader.RequestRead(1);
        leader.RequestRead(2);
        leader.RequestRead(3);
        c.Deliver();
        Assert.Equal([1L, 2, 3], c.Reads["n1"].Select(r => r.RequestId));
        Assert.Equal(2, c.Sent.Count(m => m is AppendEntriesRequest { From: "n1" }) - before);
    }
}
