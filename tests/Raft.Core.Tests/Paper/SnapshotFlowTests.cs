namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// §7: a snapshot is large, so a leader sends one to a follower and waits for its answer (or an election timeout
/// of silence) before it sends another; heartbeats in between only probe, and a late answer to an older message
/// does not trigger a second copy.
/// </summary>
public sealed class SnapshotFlowTests
{
    [Fact]
    public void AFollowerInstallingASnapshot_GetsOneCopyPerElectionTimeout_NotOnePerHeartbeat()
    {
        var (c, leader) = LeaderWithSnapshotAndLaggard(out var answersFromLaggard, out _);
        answersFromLaggard[0] = false;
        c.Heal();
        var before = SnapshotsTo(c, "n3");

        // Ticks short of an election timeout: 4 heartbeats, and the laggard's answers are lost meanwhile.
        c.TickAll(9);
        Assert.Equal(1, SnapshotsTo(c, "n3") - before);
        Assert.True(leader.GetState().IsLeader);
    }

    [Fact]
    public void AStaleSuccessFromTheFollower_DoesNotResendTheSnapshot()
    {
        var (c, leader) = LeaderWithSnapshotAndLaggard(out var answersFromLaggard, out _);
        answersFromLaggard[0] = false;
        c.Heal();
        c.TickAll(2);
        var sent = SnapshotsTo(c, "n3");
        Assert.True(sent >= 1);

        // An acknowledgement of an old empty probe arrives late: it says nothing about the snapshot in flight.
        leader.Step(new AppendEntriesResponse("n3", "n1", leader.CurrentTerm, true, 0, 0, 0, 0));
        c.Process("n1");
        Assert.Equal(sent, SnapshotsTo(c, "n3"));
    }

    [Fact]
    public void ASnapshotThatIsLost_IsSentAgainAfterAnElectionTimeout_AndTheFollowerCatchesUp()
    {
        var (c, leader) = LeaderWithSnapshotAndLaggard(out _, out var snapshotsReachLaggard);
        snapshotsReachLaggard[0] = false;
        c.Heal();
        c.TickAll(2);
        var first = SnapshotsTo(c, "n3");
        Assert.True(first >= 1);
        snapshotsReachLaggard[0] = true;
        c.TickAll(9);
        Assert.Equal(first, SnapshotsTo(c, "n3"));
        c.TickAll(4);
        Assert.True(SnapshotsTo(c, "n3") > first, "the lost snapshot was never sent again");
        Assert.Equal(leader.LastIndex, c["n3"].CommitIndex);
    }

    [Fact]
    public void AFollowerThatInstalledTheSnapshot_IsCaughtUpByTheNextHeartbeat_EvenIfItsAnswerWasLost()
    {
        var (c, leader) = LeaderWithSnapshotAndLaggard(out var answersFromLaggard, out _);
        answersFromLaggard[0] = false;
        c.Heal();
        c.TickAll(4);
        Assert.Equal(1, SnapshotsTo(c, "n3"));
        Assert.Equal(leader.LastIndex, c["n3"].CommitIndex);
    }

    private static int SnapshotsTo(MiniCluster c, string to) => c.Sent.Count(m => m is InstallSnapshotRequest r && r.To == to);

    /// <summary>
    /// n1 leads with its log compacted to 25 of 30 entries; n3 was cut off and has nothing. While
    /// <paramref name="answersFromLaggard"/>[0] is false, n3's answers to snapshots are lost; while
    /// <paramref name="snapshotsReachLaggard"/>[0] is false, the snapshots sent to it are.
    /// </summary>
    private static (MiniCluster Cluster, RaftNode Leader) LeaderWithSnapshotAndLaggard(out bool[] answersFromLaggard, out bool[] snapshotsReachLaggard)
    {
        var answers = new[] { true };
        var snapshots = new[] { true };
        answersFromLaggard = answers;
        snapshotsReachLaggard = snapshots;
        var c = new MiniCluster(3, drop: m =>
            (m is InstallSnapshotResponse { From: "n3" } && !answers[0]) || (m is InstallSnapshotRequest { To: "n3" } && !snapshots[0]));
        c.Elect("n1");
        c.Isolate("n3");
        for (var i = 1; i <= 30; i++)
        {
            c.Propose("n1", $"c{i}");
        }

        c.TickAll(2);
        c["n1"].Snapshot(25, [25]);
        c.Deliver();
        return (c, c["n1"]);
    }
}
