namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// Leadership transfer (thesis §3.10): the leader brings the target's log up to its own, tells it to campaign at once,
/// takes no commands meanwhile, and gives up after an election timeout. Each test is one claim.
/// </summary>
public sealed class LeaderTransferTests
{
    private static readonly Func<RaftConfig, RaftConfig> Production = cfg => cfg with { PreVote = true, CheckQuorum = true, LeaderNoOp = true };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Transfer_ToAnUpToDateFollower_ItLeadsTheNextTerm_WithoutAnyElectionTimeout(bool production)
    {
        var c = new MiniCluster(3, production ? Production : null);
        c.Elect("n1");
        c.TickAll(2);
        c.Propose("n1", "a");
        var term = c["n1"].CurrentTerm;

        Assert.True(c["n1"].TransferLeadership("n2"));
        c.Deliver();

        // No tick since the transfer: the target's own timeout cannot have fired.
        Assert.True(c["n2"].GetState().IsLeader);
        Assert.Equal(term + 1, c["n2"].CurrentTerm);
        Assert.Equal(("n2", RaftRole.Follower), (c["n1"].LeaderId, c["n1"].Role));
        Assert.Null(c["n1"].LeadTransferee);
        Assert.Single(c.Sent, m => m is TimeoutNowRequest { From: "n1", To: "n2" });
        Assert.True(c.Propose("n2", "b").Accepted);
        Assert.Equal(["a", "b"], c.Applied["n3"].Where(e => e.Kind == LogEntryKind.Command).Select(e => System.Text.Encoding.UTF8.GetString(e.Command)));
    }

    [Fact]
    public void Transfer_ToALaggingFollower_CatchesItUpBeforeTheTimeoutNow()
    {
        var c = new MiniCluster(3, Production);
        c.Elect("n1");
        c.TickAll(2);
        c.Isolate("n3");
        foreach (var command in new[] { "a", "b", "c" })
        {
            c.Propose("n1", command);
        }

        var last = c["n1"].LastIndex;
        c.Heal();
        var sentBefore = c.Sent.Count;
        Assert.True(c["n1"].TransferLeadership("n3"));
        c.TickAll(2); // n3 is probed at the next heartbeat, then streamed to

        var sent = c.Sent.Skip(sentBefore).ToList();
        var timeoutNow = sent.FindIndex(m => m is TimeoutNowRequest { To: "n3" });
        var caughtUp = sent.FindIndex(m => m is AppendEntriesResponse { From: "n3", Success: true } r && r.MatchIndex == last);
        Assert.True(caughtUp >= 0 && timeoutNow > caughtUp, $"TimeoutNow at {timeoutNow}, n3 caught up at {caughtUp}");
        Assert.True(c["n3"].GetState().IsLeader);
        Assert.True(c["n3"].LastIndex > last); // its own no-op after every entry of n1's
    }

    [Fact]
    public void Transfer_UnderWay_RefusesCommands_NamingTheSuccessor()
    {
        var c = new MiniCluster(3, Production);
        c.Elect("n1");
        c.TickAll(2);
        c.Isolate("n3");
        c.Propose("n1", "a");
        Assert.True(c["n1"].TransferLeadership("n3"));

        var refused = c["n1"].Propose("b"u8.ToArray());
        Assert.False(refused.Accepted);
        Assert.Equal("n3", refused.LeaderHint);
        Assert.False(c["n1"].TransferLeadership("n2")); // one transfer at a time
        Assert.True(c["n1"].TransferLeadership("n3"));
    }

    [Fact]
    public void Transfer_ToAnUnreachableTarget_IsAbandonedAfterAnElectionTimeout_AndTheLeaderGoesOn()
    {
        var c = new MiniCluster(3, Production);
        c.Elect("n1");
        c.TickAll(2);
        c.Isolate("n3");
        c.Propose("n1", "a");
        var term = c["n1"].CurrentTerm;
        Assert.True(c["n1"].TransferLeadership("n3"));

        c.TickAll(9);
        Assert.Equal("n3", c["n1"].LeadTransferee);
        c.TickAll(1);
        Assert.Null(c["n1"].LeadTransferee);
        Assert.True(c.Propose("n1", "b").Accepted);
        Assert.Equal((term, true), (c["n1"].CurrentTerm, c["n1"].GetState().IsLeader));
    }

    [Fact]
    public void TransferVote_PassesTheVoteIgnoreOfCheckQuorum_APlainOneDoesNot()
    {
        // §4.2.3 makes a peer that hears from its leader ignore vote requests; the one a transfer causes says so and counts.
        var c = new MiniCluster(3, Production);
        c.Elect("n1");
        c.TickAll(2);
        var term = c["n2"].CurrentTerm;
        var (lastIndex, lastTerm) = (c["n3"].LastIndex, c["n3"].TermAt(c["n3"].LastIndex)!.Value);

        c["n2"].Step(new RequestVoteRequest("n3", "n2", term + 1, lastIndex, lastTerm, PreVote: false));
        Assert.Equal((term, "n1"), (c["n2"].CurrentTerm, c["n2"].LeaderId));

        c["n2"].Step(new RequestVoteRequest("n3", "n2", term + 1, lastIndex, lastTerm, PreVote: false, Transfer: true));
        Assert.Equal((term + 1, "n3"), (c["n2"].CurrentTerm, c["n2"].VotedFor));
    }

    [Fact]
    public void Transfer_OnlyByALeader_ToAnotherPeerOfTheGroup()
    {
        var c = new MiniCluster(3, Production);
        c.Elect("n1");
        c.TickAll(2);

        Assert.False(c["n2"].TransferLeadership("n3"));
        Assert.False(c["n1"].TransferLeadership("n1"));
        Assert.False(c["n1"].TransferLeadership("n9"));
        Assert.Null(c["n1"].LeadTransferee);

        // A TimeoutNow from anyone but the leader is ignored.
        c["n2"].Step(new TimeoutNowRequest("n3", "n2", c["n2"].CurrentTerm));
        Assert.Equal(RaftRole.Follower, c["n2"].Role);
    }
}
