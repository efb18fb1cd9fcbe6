using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// A leader whose save is slow (a large snapshot) must not fall silent: heartbeats need nothing persisted, so the
/// host takes them while the Ready is out (§5.2 heartbeats; §10.2.1 a leader may send before its own write).
/// </summary>
public sealed class SaveOutstandingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WhileTheLeadersSaveIsOut_HeartbeatsTakenFromIt_KeepItsFollowers(bool takeMessages)
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        var term = leader.GetState().Term;
        leader.Propose(Encoding.UTF8.GetBytes("x"));
        var save = leader.GetReady();

        // Three election timeouts' worth of ticks while the save is out; followers hear only what is taken.
        var heartbeats = 0;
        for (var tick = 0; tick < 60; tick++)
        {
            leader.Tick();
            var messages = takeMessages ? leader.TakeMessages() : [];
            heartbeats += messages.Count(m => m is AppendEntriesRequest);
            foreach (var message in messages)
            {
                cluster[message.To].Step(message);
            }

            foreach (var follower in new[] { "n2", "n3" })
            {
                cluster[follower].Tick();
                cluster.Process(follower);
            }
        }

        var followers = new[] { cluster["n2"].GetState(), cluster["n3"].GetState() };
        if (takeMessages)
        {
            Assert.True(heartbeats >= 2 * 60 / 2, $"{heartbeats} heartbeats taken");
            Assert.All(followers, s => Assert.Equal((term, false, "n1"), (s.Term, s.IsLeader, s.LeaderId)));
        }
        else
        {
            // The premise: without them, the followers campaign inside the save.
            Assert.Contains(followers, s => s.Term > term || s.LeaderId != "n1");
        }

        leader.Advance(save);
    }

    /// <summary>
    /// During a follower's save: an append from the leader, a vote request of a newer term and its own campaign all
    /// need something durable first (§5.1 term and vote, §5.3 entries); none of their messages comes out of
    /// TakeMessages but an acknowledgement of what is durable already, and each goes with the next Ready, after its
    /// persist.
    /// </summary>
    [Fact]
    public void DuringASave_NothingThatNeedsAPersistLeavesThroughTakeMessages()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        var term = leader.GetState().Term;
        var follower = cluster["n2"];
        var durable = follower.LastIndex;
        var save = follower.GetReady();

        follower.Step(new AppendEntriesRequest("n1", "n2", term, durable, term, [new LogEntry(durable + 1, term, [1])], 0));
        follower.Step(new RequestVoteRequest("n3", "n2", term + 1, follower.LastIndex + 10, term, PreVote: false));
        for (var tick = 0; tick < 40; tick++)
        {
            follower.Tick();
        }

        var taken = follower.TakeMessages();
        Assert.DoesNotContain(taken, m => m is RequestVoteResponse or InstallSnapshotResponse);
        Assert.DoesNotContain(taken, m => m is RequestVoteRequest { PreVote: false });
        Assert.All(taken.OfType<AppendEntriesResponse>(), a => Assert.Equal((term, durable), (a.Term, a.MatchIndex)));

        follower.Advance(save);
        var next = follower.GetReady();
        Assert.True(next.MustPersist);
        Assert.Contains(next.MessagesAfterPersist, m => m is RequestVoteResponse);
        Assert.Contains(next.MessagesAfterPersist, m => m is RequestVoteRequest { PreVote: false });
    }

    /// <summary>§6.4 needs no write: a read asked during the leader's save is confirmed and handed out before the save is done.</summary>
    [Fact]
    public void ARead_AskedWhileTheLeadersSaveIsOut_IsConfirmedAndTakenBeforeTheSaveIsDone()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        cluster.Propose("n1", "a");
        var readIndex = leader.CommitIndex;
        leader.Propose(Encoding.UTF8.GetBytes("b"));
        var save = leader.GetReady();

        Assert.True(leader.RequestRead(5).Accepted);
        foreach (var message in leader.TakeMessages())
        {
            cluster[message.To].Step(message);
        }

        cluster.Deliver();

        Assert.Equal([new ReadState(5, readIndex)], leader.TakeReadStates());
        Assert.Empty(leader.TakeReadStates());
        leader.Advance(save);
        Assert.Empty(leader.GetReady().ReadStates);
    }

    /// <summary>
    /// A follower whose save is out still confirms its leader (and the leader's read rounds) with what is durable: the
    /// leader keeps its majority and answers reads while a follower writes a large snapshot or retries a full disk.
    /// </summary>
    [Fact]
    public void DuringAFollowersSave_AHeartbeatIsAnswered_WithTheDurablePrefixOnly()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        cluster.Propose("n1", "a");
        var term = leader.GetState().Term;
        var follower = cluster["n2"];
        var durable = follower.LastIndex;
        follower.Step(new AppendEntriesRequest("n1", "n2", term, durable, term, [new LogEntry(durable + 1, term, [2])], leader.CommitIndex));
        var save = follower.GetReady();
        Assert.Single(save.Entries);

        follower.Step(new AppendEntriesRequest("n1", "n2", term, durable + 1, term, [], leader.CommitIndex, ReadRound: 7));
        var answer = Assert.Single(follower.TakeMessages().OfType<AppendEntriesResponse>());
        Assert.Equal((term, true, durable, 7L), (answer.Term, answer.Success, answer.MatchIndex, answer.ReadRound));

        follower.Advance(save);
        Assert.Contains(follower.GetReady().MessagesAfterPersist.OfType<AppendEntriesResponse>(), a => a.MatchIndex == durable + 1);
    }

    /// <summary>A follower whose storage refuses its writes says so in its answers; the leader counts who can still persist.</summary>
    [Fact]
    public void ALeader_KnowsWhenTooFewOfItsPeersCanPersist_FromTheirAnswers()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        cluster.Propose("n1", "a");
        Assert.False(leader.MajorityCannotPersist);

        cluster["n2"].StorageRefusing = true;
        cluster.TickAll(4);
        Assert.False(leader.MajorityCannotPersist);

        cluster["n3"].StorageRefusing = true;
        cluster.TickAll(4);
        Assert.True(leader.MajorityCannotPersist);

        cluster["n2"].StorageRefusing = false;
        cluster.TickAll(4);
        Assert.False(leader.MajorityCannotPersist);
        Assert.False(cluster["n2"].MajorityCannotPersist);
    }

    [Fact]
    public void DuringAFollowersSaveOfANewTerm_NoAnswerLeavesEarly()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        var term = leader.GetState().Term;
        var follower = cluster["n2"];
        follower.Step(new AppendEntriesRequest("n3", "n2", term + 1, follower.LastIndex, term, [], 0));
        var save = follower.GetReady();
        Assert.NotNull(save.HardState);

        follower.Step(new AppendEntriesRequest("n3", "n2", term + 1, follower.LastIndex, term, [], 0, ReadRound: 3));

        Assert.DoesNotContain(follower.TakeMessages(), m => m is AppendEntriesResponse);
        follower.Advance(save);
    }

    [Fact]
    public void WithoutAnOutstandingReady_TakeMessagesGivesNothing_TheMessagesWaitForTheReady()
    {
        var cluster = new MiniCluster(3);
        var leader = cluster[cluster.Elect("n1")];
        for (var i = 0; i < 2; i++)
        {
            leader.Tick();
        }

        Assert.Empty(leader.TakeMessages());
        Assert.Contains(leader.GetReady().Messages, m => m is AppendEntriesRequest);
    }
}
