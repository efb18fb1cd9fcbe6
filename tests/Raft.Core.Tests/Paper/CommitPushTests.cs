namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// Followers learn a new commit index within a round trip of the leader committing, not at its next heartbeat:
/// the leader tells those that got no AppendEntries carrying it (an empty one at their match index).
/// </summary>
public sealed class CommitPushTests
{
    [Fact]
    public void FollowersApply_AsSoonAsTheLeaderCommits_WithoutWaitingForAHeartbeat()
    {
        var c = new MiniCluster(3);
        var leader = c[c.Elect("n1")];
        c.Propose("n1", "a");

        Assert.Equal(1, leader.CommitIndex);
        Assert.Equal([1L, 1L], new[] { c["n2"].CommitIndex, c["n3"].CommitIndex });
        Assert.Single(c.Applied["n2"]);
        Assert.Single(c.Applied["n3"]);
    }

    [Fact]
    public void WithoutThePush_FollowersLearnTheCommitAtTheNextHeartbeat()
    {
        var c = new MiniCluster(3, config => config with { PushCommitIndex = false });
        var leader = c[c.Elect("n1")];
        c.Propose("n1", "a");
        Assert.Equal(1, leader.CommitIndex);
        Assert.Equal([0L, 0L], new[] { c["n2"].CommitIndex, c["n3"].CommitIndex });

        c.Tick("n1", 2);
        Assert.Equal([1L, 1L], new[] { c["n2"].CommitIndex, c["n3"].CommitIndex });
    }

    [Fact]
    public void ACommitAlreadyCarriedByEntriesOnTheirWay_IsNotPushedAgain()
    {
        var c = new MiniCluster(3);
        c.Elect("n1");
        var empty = c.Sent.Count(m => m is AppendEntriesRequest { From: "n1", Entries.Length: 0 });
        c.Propose("n1", "a");
        var afterCommit = c.Sent.Count(m => m is AppendEntriesRequest { From: "n1", Entries.Length: 0 });

        // One push per follower; once every follower knows commit 1, an idle leader sends nothing until its heartbeat.
        Assert.Equal(2, afterCommit - empty);
        c.Deliver();
        Assert.Equal(afterCommit, c.Sent.Count(m => m is AppendEntriesRequest { From: "n1", Entries.Length: 0 }));
    }
}
