using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// Entries committed while a Ready's save is out (<see cref="RaftNode.TakeCommittedEntries"/>): commitment counts
/// durable copies only, so an entry a majority of followers holds may be applied before the leader's own write of it
/// (§10.2.1), and one only the leader and one follower hold may not while the leader's write is out (§5.3, §5.4.2).
/// </summary>
public sealed class CommittedDuringSaveTests
{
    [Fact]
    public void WhileTheLeadersSaveIsOut_AnEntryBothFollowersHold_IsHandedOutOnce()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        var index = leader.Propose(Encoding.UTF8.GetBytes("x")).Index;
        var save = leader.GetReady();
        Assert.Empty(leader.TakeCommittedEntries());

        foreach (var append in save.Messages.OfType<AppendEntriesRequest>())
        {
            cluster[append.To].Step(append);
        }

        cluster.Deliver();

        var taken = leader.TakeCommittedEntries();
        Assert.Equal([index], taken.Select(e => e.Index));
        Assert.Empty(leader.TakeCommittedEntries());

        leader.Advance(save);
        Assert.Equal(index, leader.LastApplied);
        Assert.DoesNotContain(leader.GetReady().CommittedEntries, e => e.Index <= index);
    }

    [Fact]
    public void WhileTheLeadersSaveIsOut_AnEntryOnlyOneFollowerHolds_IsNotCommitted_UntilTheLeadersWriteIsDone()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        cluster.Isolate("n3");
        var index = leader.Propose(Encoding.UTF8.GetBytes("x")).Index;
        var save = leader.GetReady();

        cluster["n2"].Step(save.Messages.OfType<AppendEntriesRequest>().Single(m => m.To == "n2"));
        cluster.Deliver();

        Assert.True(leader.CommitIndex < index, "committed on one follower's copy and the leader's unwritten one");
        Assert.Empty(leader.TakeCommittedEntries());

        leader.Advance(save);
        Assert.Contains(leader.GetReady().CommittedEntries, e => e.Index == index);
    }

    /// <summary>Entries after a snapshot from the leader must follow its restore, which the next Ready brings.</summary>
    [Fact]
    public void WhileAFollowersSaveIsOut_EntriesAfterASnapshotFromTheLeader_WaitForTheReadyThatRestoresIt()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        var term = leader.GetState().Term;
        var follower = cluster["n2"];
        var save = follower.GetReady();

        follower.Step(new InstallSnapshotRequest("n1", "n2", term, new RaftSnapshot(10, term, [1])));
        var entry = new LogEntry(11, term, Encoding.UTF8.GetBytes("after"));
        follower.Step(new AppendEntriesRequest("n1", "n2", term, 10, term, [entry], LeaderCommit: 11));

        Assert.Equal(11, follower.CommitIndex);
        Assert.Empty(follower.TakeCommittedEntries());

        follower.Advance(save);
        var next = follower.GetReady();
        Assert.Equal(10, next.SnapshotToApply?.LastIncludedIndex);
        Assert.Equal([11L], next.CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void WithoutAnOutstandingReady_NothingIsTaken_TheReadyBringsTheEntries()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        cluster.Propose("n1", "x");

        Assert.Empty(leader.TakeCommittedEntries());
        Assert.Contains(cluster.Applied["n1"], e => Encoding.UTF8.GetString(e.Command) == "x");
    }
}
