namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// The three counter-example families of Ongaro's 2015 raft-dev post: single-server changes made by leaders of
/// different terms, the first uncommitted, leave two configurations whose majorities do not overlap, and a
/// committed entry is lost. The fix: a leader appends a configuration only after it committed an entry of its own
/// term. Four founders n1..n4; n1 leads term 1 and appends the first change where only it (or the peer it adds) sees
/// it; n2 leads term 2 without n1 and makes the second.
/// </summary>
public sealed class SingleServerChangeBugTests
{
    private static readonly Func<RaftConfig, RaftConfig> Plain = cfg => cfg with { PreVote = false, CheckQuorum = false, LeaderNoOp = true };

    [Fact]
    public void TwoRemovesAcrossTerms_NeverLoseACommittedEntry()
    {
        // Term 1: n1 removes n4; the entry stays in n1's log alone.
        var toN3 = false;
        var c = new MiniCluster(4, Plain, drop: m => toN3 && m is AppendEntriesRequest { From: "n2", To: "n3" });
        c.Elect("n1");
        c.TickAll(2);
        c.Isolate("n1");
        Assert.True(c["n1"].ProposeMembership(MembershipChange.Remove("n4")).Accepted);
        c.Deliver();

        // Term 2: n2 leads (votes of n3 and n4), but its appends never reach n3. It asks to remove n1 every tick. Without
        // the fix it may at once: {n2, n4} is a majority of {n2, n3, n4} and commits it. With it, its no-op needs three
        // of the four founders first, and n1 and n3 are out of reach: it never may.
        toN3 = true;
        c.Elect("n2");
        for (var i = 0; i < 20 && c["n2"].Membership.IsVoter("n1"); i++)
        {
            c["n2"].ProposeMembership(MembershipChange.Remove("n1"));
            c.Tick("n2");
        }

        // Term 3: n1 restarts, reaching n3 only: {n1, n3} is a majority of n1's configuration {n1, n2, n3}, and n3's log
        // (term 1) is no more up-to-date than n1's. n1 leads and overwrites n2's log: safe only if n2 committed nothing.
        c.Restart("n1");
        c.Heal();
        c.Cut("n1", "n2");
        c.Cut("n1", "n4");
        c.Elect("n1");
        toN3 = false;
        c.Heal();
        c.TickAll(10); // a peer that would truncate a committed entry throws here

        AssertAppliedPrefixesAgree(c);
    }

    [Fact]
    public void AddThenAddAcrossTerms_TheSecondWaitsForTheFirst()
    {
        // An added voter is a learner first, promoted by its own configuration entry; while a promotion waits, no other
        // change is taken, in any term. So the second add of the post's first family cannot be made by the next leader:
        // it must finish (or cancel) the first, and its entry for that commits under the founders' majority.
        var c = new MiniCluster(4, Plain);
        c.Elect("n1");
        c.TickAll(2);
        c.Join("n5");
        c.Join("n6");
        c.Isolate("n5");
        Assert.True(c["n1"].ProposeMembership(MembershipChange.AddVoter("n5")).Accepted);
        c.Deliver(); // the learner entry commits on n1..n4
        c.Heal();
        foreach (var other in new[] { "n2", "n3", "n4" })
        {
            c.Cut("n1", other);
        }

        c.Tick("n1", 2); // n5 catches up; n1 promotes it where only n5 hears
        Assert.Equal("voters n1,n2,n3,n4,n5", c["n1"].Membership.ToString());

        c.Isolate("n1");
        c.Isolate("n5");
        c.Elect("n2");
        c.TickAll(2);
        var second = c["n2"].ProposeMembership(MembershipChange.AddVoter("n6"));
        Assert.Equal(MembershipRefusal.ChangePending, second.Refusal);

        c.Heal();
        c.TickAll(10);
        AssertAppliedPrefixesAgree(c);
        Assert.All(c.Ids.Where(id => id != "n6"), id => Assert.Equal("voters n1,n2,n3,n4,n5", c[id].Membership.ToString()));
    }

    [Fact]
    public void RemoveThenAddAcrossTerms_TheAddCommitsUnderTheFoundersFirst()
    {
        // n1 removes n4 where no one hears; n2 adds n5. The add's first entry (n5 as a learner) keeps the founders as
        // voters, so it needs three of them, n3 included, and n3 then refuses n1 its vote.
        var c = new MiniCluster(4, Plain);
        c.Elect("n1");
        c.TickAll(2);
        c.Join("n5");
        c.Isolate("n1");
        Assert.True(c["n1"].ProposeMembership(MembershipChange.Remove("n4")).Accepted);
        c.Deliver();

        c.Elect("n2");
        c.TickAll(2);
        Assert.True(c["n2"].ProposeMembership(MembershipChange.AddVoter("n5")).Accepted);
        c.Deliver();

        c.Heal();
        c.Cut("n1", "n2");
        c.Cut("n1", "n4");
        c.Tick("n1", 40);
        Assert.False(c["n1"].GetState().IsLeader);
        c.Heal();
        c.TickAll(10);
        AssertAppliedPrefixesAgree(c);
    }

    /// <summary>State Machine Safety: what any two peers applied agrees index by index.</summary>
    private static void AssertAppliedPrefixesAgree(MiniCluster c)
    {
        var longest = c.Ids.Select(id => c.Applied[id]).MaxBy(a => a.Count)!;
        foreach (var id in c.Ids)
        {
            var applied = c.Applied[id];
            for (var i = 0; i < applied.Count; i++)
            {
                Assert.True(applied[i].Index == longest[i].Index && applied[i].Term == longest[i].Term,
                    $"{id} applied {applied[i].Index}@{applied[i].Term}, another peer {longest[i].Index}@{longest[i].Term}");
            }
        }
    }
}
