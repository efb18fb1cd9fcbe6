using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// Membership changes (thesis ch. 4): configurations in the log, learners promoted once caught up, single-server and
/// joint changes, a removed leader's hand-over. Scenario names follow etcd raft's and hashicorp/raft's tests where
/// they have one.
/// </summary>
public sealed class MembershipTests
{
    private static readonly Func<RaftConfig, RaftConfig> Production = cfg => cfg with { PreVote = true, CheckQuorum = true, LeaderNoOp = true };

    /// <summary>A cluster of <paramref name="n"/> founders with n1 leading and its no-op committed everywhere.</summary>
    private static MiniCluster Led(int n, Func<RaftConfig, RaftConfig>? configure = null)
    {
        var c = new MiniCluster(n, configure ?? Production);
        c.Elect("n1");
        c.TickAll(2);
        return c;
    }

    private static string Voters(RaftNode node) => string.Join(',', node.Membership.Voters);

    private static MembershipChangeResult Change(MiniCluster c, string leader, MembershipChange change)
    {
        var result = c[leader].ProposeMembership(change);
        c.Deliver();
        return result;
    }

    [Fact]
    public void AddVoter_JoinsAsALearner_AndIsPromotedOnceCaughtUp()
    {
        var c = Led(3);
        c.Propose("n1", "a");
        c.Join("n4");

        var added = c["n1"].ProposeMembership(MembershipChange.AddVoter("n4"));
        Assert.True(added.Accepted);
        Assert.Equal("voters n1,n2,n3 learners n4 target n1,n2,n3,n4", c["n1"].Membership.ToString());
        c.Deliver();

        // n4 caught up in its first round (no tick passed): the leader promoted it by itself, with a single-server change.
        Assert.All(c.Ids, id => Assert.Equal("voters n1,n2,n3,n4", c[id].Membership.ToString()));
        Assert.True(c["n1"].MembershipIndex <= c["n1"].CommitIndex);
        Assert.Equal(["a"], Commands(c, "n4"));
        c.Propose("n1", "b");
        Assert.Equal(["a", "b"], Commands(c, "n4"));
    }

    [Fact]
    public void ALearner_ReceivesTheLog_ButNeitherCountsForCommitNorCampaigns()
    {
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddLearner("n4")).Accepted);
        Assert.Equal("voters n1,n2,n3 learners n4", c["n4"].Membership.ToString());

        c.Isolate("n2");
        c.Isolate("n3");
        var index = c.Propose("n1", "a").Index;
        Assert.Equal(index, c["n4"].LastIndex); // replicated to the learner...
        Assert.True(c["n1"].CommitIndex < index); // ...which does not make a majority with the leader

        c.Isolate("n1");
        c.Tick("n4", 100);
        Assert.Equal(RaftRole.Follower, c["n4"].Role); // and it never campaigns
    }

    [Fact]
    public void ASlowLearner_IsPromotedOnlyAfterARoundShorterThanAnElectionTimeout()
    {
        var c = Led(3);
        c.Join("n4");
        c.Isolate("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n4")).Accepted);
        c.TickAll(15); // the first round (to the leader's last index) outlives an election timeout
        c.Heal();
        c.TickAll(1);
        Assert.NotNull(c["n1"].Membership.Target); // that round ended late: not promoted, another began
        c.TickAll(3);

        // The second round ends within an election timeout.
        Assert.Equal("voters n1,n2,n3,n4", c["n1"].Membership.ToString());
    }

    [Fact]
    public void RemoveFollower_ItGetsNothingMore_AndTheRestCommitWithoutIt()
    {
        var c = Led(4);
        Assert.True(Change(c, "n1", MembershipChange.Remove("n4")).Accepted);
        Assert.Equal("n1,n2,n3", Voters(c["n1"]));
        var before = c["n4"].LastIndex;

        c.Isolate("n3");
        var index = c.Propose("n1", "a").Index;
        Assert.True(c["n1"].CommitIndex >= index); // 2 of 3 voters
        Assert.Equal(before, c["n4"].LastIndex);
        Assert.Null(c["n1"].MatchIndex("n4"));
    }

    [Fact]
    public void RemoveLeader_HandsOverToAVoter_BeforeSteppingDown()
    {
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n4")).Accepted);
        var term = c["n1"].CurrentTerm;

        Assert.True(Change(c, "n1", MembershipChange.Remove("n1")).Accepted);

        // No tick: the new leader came by TimeoutNow, not by an election timeout.
        var leader = c.Ids.Single(id => c[id].GetState().IsLeader);
        Assert.NotEqual("n1", leader);
        Assert.Equal(term + 1, c[leader].CurrentTerm);
        Assert.Contains(c.Sent, m => m is TimeoutNowRequest { From: "n1" });
        Assert.Equal("voters n2,n3,n4", c[leader].Membership.ToString());
        Assert.True(c.Propose(leader, "a").Accepted);
        Assert.False(c["n1"].Propose("b"u8.ToArray()).Accepted);

        // The removed peer never campaigns again.
        c.Isolate(leader);
        c.Tick("n1", 100);
        Assert.NotEqual(RaftRole.Candidate, c["n1"].Role);
        Assert.NotEqual(RaftRole.PreCandidate, c["n1"].Role);
    }

    [Fact]
    public void ReplaceLeader_GoesThroughTheJointConfiguration_AndLeavesItAutomatically()
    {
        var c = Led(3);
        c.Join("n4");
        var result = c["n1"].ProposeMembership(MembershipChange.Replace("n1", "n4"));
        Assert.True(result.Accepted);
        c.TickAll(5);

        c.Deliver();
        var leader = c.Ids.Single(id => c[id].GetState().IsLeader);
        Assert.NotEqual("n1", leader);
        Assert.All(["n2", "n3", "n4"], id => Assert.Equal("voters n2,n3,n4", c[id].Membership.ToString()));
        Assert.Contains(c.Applied["n2"], e => e.Kind == LogEntryKind.Configuration
            && MembershipCodec.Decode(e.Command).ToString() == "voters n2,n3,n4 outgoing n1,n2,n3");
    }

    [Fact]
    public void JointConfiguration_DecidesOnlyWithAMajorityOfBothHalves()
    {
        // n3 replaced by n4: {n1,n4} is a majority of the new voters, but n1 alone is none of the old ones.
        var joint = new Membership(["n1", "n2", "n4"], outgoing: ["n1", "n2", "n3"]);
        var match = new Dictionary<string, long> { ["n1"] = 10, ["n4"] = 10, ["n2"] = 4, ["n3"] = 0 };
        Assert.Equal(4, joint.CommittedIndex(p => match[p]));
        Assert.False(joint.HasQuorum(p => p is "n1" or "n4"));
        Assert.True(joint.HasQuorum(p => p is "n1" or "n2"));
        Assert.False(joint.QuorumImpossible(p => p is "n4"));
        Assert.True(joint.QuorumImpossible(p => p is "n2" or "n3"));

        var simple = new Membership(["n1", "n2", "n3"]);
        Assert.Equal(10, simple.CommittedIndex(p => p == "n1" ? 10 : p == "n2" ? 10 : 0));
        Assert.True(simple.HasQuorum(p => p is "n1" or "n3"));
    }

    [Fact]
    public void Refusals_SayWhy_AndChangeNothing()
    {
        var c = Led(3);
        var before = c["n1"].LastIndex;
        Assert.Equal(MembershipRefusal.Invalid, c["n1"].ProposeMembership(MembershipChange.AddVoter("n2")).Refusal); // add a known peer
        Assert.Equal(MembershipRefusal.Invalid, c["n1"].ProposeMembership(MembershipChange.Remove("n9")).Refusal); // remove an unknown one
        Assert.Equal(MembershipRefusal.NotLeader, c["n2"].ProposeMembership(MembershipChange.Remove("n3")).Refusal);
        Assert.Equal(before, c["n1"].LastIndex);

        c.Isolate("n2");
        c.Isolate("n3");
        Assert.True(c["n1"].ProposeMembership(MembershipChange.AddLearner("n5")).Accepted);
        var pending = c["n1"].ProposeMembership(MembershipChange.Remove("n3"));
        Assert.Equal(MembershipRefusal.ChangePending, pending.Refusal);
        Assert.Contains("under way", pending.Message, StringComparison.Ordinal);

        var two = Led(2);
        var shrink = two["n1"].ProposeMembership(MembershipChange.Remove("n2"));
        Assert.Equal(MembershipRefusal.Invalid, shrink.Refusal);
        Assert.Contains("one voter", shrink.Message, StringComparison.Ordinal);
        var last = new MiniCluster(1, Production);
        last.Elect("n1");
        Assert.Equal(MembershipRefusal.Invalid, last["n1"].ProposeMembership(MembershipChange.Remove("n1")).Refusal);
    }

    [Fact]
    public void ANewLeader_RefusesChanges_UntilItCommittedAnEntryOfItsTerm()
    {
        // Without a no-op, n1's term holds no entry until the first command commits.
        var c = new MiniCluster(3, cfg => cfg with { LeaderNoOp = false });
        c.Elect("n1");
        var refused = c["n1"].ProposeMembership(MembershipChange.Remove("n3"));
        Assert.Equal(MembershipRefusal.LeaderNotReady, refused.Refusal);

        c.Propose("n1", "a");
        Assert.True(Change(c, "n1", MembershipChange.AddLearner("n4")).Accepted);
    }

    [Fact]
    public void AnUncommittedConfiguration_IsInForceAtOnce_AndATruncationTakesItBack()
    {
        var c = Led(5, cfg => cfg with { PreVote = false, CheckQuorum = false, LeaderNoOp = true });
        c.Isolate("n1");
        c.Isolate("n2");
        Assert.True(c["n1"].ProposeMembership(MembershipChange.Remove("n5")).Accepted);
        c.Heal();
        c.Isolate("n3");
        c.Isolate("n4");
        c.Isolate("n5");
        c.Tick("n1", 1); // n1 sends the entry to n2 alone
        Assert.Equal("n1,n2,n3,n4", Voters(c["n2"]));

        c.Heal();
        c.Isolate("n1");
        c.Elect("n3"); // n3, n4, n5 elect n3 under the old configuration
        c.TickAll(3);
        Assert.Equal("n1,n2,n3,n4,n5", Voters(c["n2"])); // n2's copy was truncated
    }

    [Fact]
    public void SnapshotRestoreAfterAPeerChange_ARestartedPeerKnowsTheConfiguration()
    {
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n4")).Accepted);
        c.Propose("n1", "a");

        // n2 snapshots past every configuration entry and restarts from the snapshot alone.
        var n2 = c["n2"];
        n2.Snapshot(n2.LastApplied, [1]);
        var snapshot = Assert.IsType<RaftSnapshot>(TakeSnapshot(n2));
        Assert.Equal("voters n1,n2,n3,n4", snapshot.Membership!.ToString());
        var restarted = c.Restart("n2", snapshot);
        Assert.Equal("voters n1,n2,n3,n4", restarted.Membership.ToString());

        // And a peer restarted from its log alone.
        Assert.Equal("voters n1,n2,n3,n4", c.Restart("n3").Membership.ToString());
    }

    [Fact]
    public void ANewPeer_CatchesUpByInstallSnapshot_AndLearnsTheConfigurationFromIt()
    {
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddLearner("n4")).Accepted);
        c.Propose("n1", "a");
        var n1 = c["n1"];
        n1.Snapshot(n1.LastApplied, [7]);
        c.Deliver();

        c.Join("n5");
        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n5")).Accepted);
        c.TickAll(3);
        Assert.Contains(c.Sent, m => m is InstallSnapshotRequest { To: "n5" });
        Assert.Equal("voters n1,n2,n3,n5 learners n4", c["n5"].Membership.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RemovedPeers_DoNotDisruptTheGroup_UnlessPreVoteAndCheckQuorumAreOff(bool production)
    {
        // §4.2.3: a removed peer that never learned of its removal times out and campaigns in a higher term. With pre-vote
        // (its log lacks the removal, so no one would vote for it) and check-quorum (peers hearing a leader ignore it) the
        // group keeps its leader and term; without them its vote requests depose the leader.
        var c = Led(4, production ? Production : cfg => cfg with { PreVote = false, CheckQuorum = false, LeaderNoOp = true });
        c.Isolate("n4");
        Assert.True(Change(c, "n1", MembershipChange.Remove("n4")).Accepted);
        var term = c["n1"].CurrentTerm;
        c.Heal();
        for (var i = 0; i < 60; i++)
        {
            c.TickAll(1);
        }

        Assert.Equal(production, c["n1"].GetState().IsLeader && c["n1"].CurrentTerm == term);
    }

    [Fact]
    public void TransferLeadership_ToALearner_StartsNothing()
    {
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddLearner("n4")).Accepted);
        Assert.False(c["n1"].TransferLeadership("n4"));
    }

    [Fact]
    public void RemovingALearnerStillCatchingUp_CancelsItsPromotion()
    {
        var c = Led(3);
        c.Join("n4");
        c.Isolate("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n4")).Accepted);
        Assert.NotNull(c["n1"].Membership.Target);
        Assert.True(Change(c, "n1", MembershipChange.Remove("n4")).Accepted);
        Assert.Equal("voters n1,n2,n3", c["n1"].Membership.ToString());
    }

    [Fact]
    public void CommitAfterRemoveNode_AnEntryWaitingForTheRemovedPeer_CommitsUnderTheSmallerQuorum()
    {
        // etcd raft's TestCommitAfterRemoveNode: four voters, two of them away; "a" needs three of four and waits.
        var c = Led(4);
        c.Isolate("n3");
        c.Isolate("n4");
        var waiting = c.Propose("n1", "a").Index;
        Assert.True(c["n1"].CommitIndex < waiting);

        // Without n4, n1 and n2 are a majority of n1, n2, n3: the removal commits, and "a" before it.
        Assert.True(Change(c, "n1", MembershipChange.Remove("n4")).Accepted);
        Assert.Equal("voters n1,n2,n3", c["n1"].Membership.ToString());
        Assert.True(c["n1"].CommitIndex >= waiting);
        Assert.Equal(["a"], Commands(c, "n1"));
    }

    [Fact]
    public void LearnerPromotion_AddVoterOfALearner_PromotesItOnceCaughtUp()
    {
        // etcd raft's TestLearnerPromotion, where the promotion waits for the catch-up rule instead of an operator.
        var c = Led(3);
        c.Join("n4");
        Assert.True(Change(c, "n1", MembershipChange.AddLearner("n4")).Accepted);
        c.Propose("n1", "a");
        Assert.False(c["n4"].Membership.IsVoter("n4"));

        Assert.True(Change(c, "n1", MembershipChange.AddVoter("n4")).Accepted);
        Assert.All(c.Ids, id => Assert.Equal("voters n1,n2,n3,n4", c[id].Membership.ToString()));

        // Now a voter, it may lead (a learner may not: TransferLeadership_ToALearner_StartsNothing).
        Assert.True(c["n1"].TransferLeadership("n4"));
        c.Deliver();
        Assert.True(c["n4"].GetState().IsLeader);
    }

    private static RaftSnapshot? TakeSnapshot(RaftNode node)
    {
        RaftSnapshot? snapshot = null;
        while (node.HasReady)
        {
            var ready = node.GetReady();
            snapshot ??= ready.Snapshot;
            node.Advance(ready);
        }

        return snapshot;
    }

    private static List<string> Commands(MiniCluster c, string id) =>
        [.. c.Applied[id].Where(e => e.Kind == LogEntryKind.Command).Select(e => Encoding.UTF8.GetString(e.Command))];
}
