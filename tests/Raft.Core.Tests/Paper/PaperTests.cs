using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>One test per claim of the paper (etcd raft_paper_test.go style): init, act, check.</summary>
public sealed class PaperTests
{
    private static readonly string[] ThreePeers = ["a", "b", "c"];

    private static RaftConfig Config(string self, bool preVote = false, bool checkQuorum = false) => new()
    {
        SelfId = self,
        PeerIds = ThreePeers,
        ElectionTicks = 10,
        HeartbeatTicks = 2,
        PreVote = preVote,
        CheckQuorum = checkQuorum,
        LeaderNoOp = false,
    };

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static LogEntry E(long index, long term) => new(index, term, Bytes($"x{index}"));

    private static Ready Drain(RaftNode node)
    {
        var ready = node.GetReady();
        node.Advance(ready);
        return ready;
    }

    [Fact]
    public void FollowerVotesAtMostOncePerTerm()
    {
        // Reference: §5.2 "each server will vote for at most one candidate in a given term, first-come-first-served".
        var node = new RaftNode(Config("c"), new Random(1));
        node.Step(new RequestVoteRequest("a", "c", 1, 0, 0, false));
        var first = Drain(node);
        node.Step(new RequestVoteRequest("b", "c", 1, 0, 0, false));
        var second = Drain(node);
        node.Step(new RequestVoteRequest("a", "c", 1, 0, 0, false));
        var again = Drain(node);

        Assert.Equal(new HardState(1, "a"), first.HardState);
        Assert.True(Assert.IsType<RequestVoteResponse>(Assert.Single(first.MessagesAfterPersist)).VoteGranted);
        Assert.Empty(first.Messages); // a vote is never sent before it is durable
        Assert.False(Assert.IsType<RequestVoteResponse>(Assert.Single(second.MessagesAfterPersist)).VoteGranted);
        Assert.True(Assert.IsType<RequestVoteResponse>(Assert.Single(again.MessagesAfterPersist)).VoteGranted);
        Assert.Equal("a", node.VotedFor);
    }

    [Theory]
    [InlineData(1, 5, false)] // lower last term, longer log: not up-to-date
    [InlineData(2, 1, false)] // same last term, shorter log
    [InlineData(2, 2, true)]  // same last term, same length
    [InlineData(3, 1, true)]  // higher last term wins regardless of length
    public void VoteRequiresUpToDateLog(long lastLogTerm, long lastLogIndex, bool granted)
    {
        // Reference: §5.4.1 election restriction.
        var node = new RaftNode(Config("c"), new Random(1), new HardState(2, null), null, [E(1, 1), E(2, 2)]);
        node.Step(new RequestVoteRequest("a", "c", 3, lastLogIndex, lastLogTerm, false));
        var reply = Assert.IsType<RequestVoteResponse>(Assert.Single(Drain(node).MessagesAfterPersist));
        Assert.Equal(granted, reply.VoteGranted);
        Assert.Equal(3, node.CurrentTerm);
    }

    [Fact]
    public void ElectionTimeoutIsRandomizedWithinOneToTwoTimeouts()
    {
        // Reference: §5.2 randomized election timeouts; here [ElectionTicks, 2 * ElectionTicks).
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var node = new RaftNode(Config("a"), new Random(seed));
            var ticks = 0;
            while (node.Role == RaftRole.Follower)
            {
                node.Tick();
                ticks++;
            }

            Assert.InRange(ticks, 10, 19);
            seen.Add(ticks);
        }

        Assert.True(seen.Count >= 8, $"timeouts not spread: {string.Join(",", seen)}");
    }

    [Fact]
    public void HigherTermInAnyMessageMakesLeaderStepDown()
    {
        // Reference: §5.1 "if one server's current term is smaller than the other's, it updates its term; a leader
        // discovering a higher term reverts to follower".
        var c = new MiniCluster(3);
        var leader = c.Elect("n1");
        var term = c[leader].CurrentTerm;
        c[leader].Step(new AppendEntriesResponse("n2", "n1", term + 5, false, 0, 0, 0, 0));
        Assert.Equal(RaftRole.Follower, c[leader].Role);
        Assert.Equal(term + 5, c[leader].CurrentTerm);
        Assert.Null(c[leader].VotedFor);
    }

    [Fact]
    public void LeaderNeverCommitsOlderTermEntryByCounting()
    {
        // Reference: §5.4.2 and Figure 8: an entry of an earlier term is not committed once stored on a majority;
        // only an entry of the current term is, and it commits all entries before it.
        var ids = new[] { "a", "b", "c" };
        var persisted = new[] { E(1, 1), E(2, 2) };
        var nodes = ids.ToDictionary(
            id => id,
            id => new RaftNode(Config(id), new Random(id[0]), new HardState(2, null), null, persisted));
        var queue = new Queue<RaftMessage>();
        void Pump()
        {
            do
            {
                foreach (var n in nodes.Values)
                {
                    while (n.HasReady)
                    {
                        var r = n.GetReady();
                        foreach (var m in r.Messages.Concat(r.MessagesAfterPersist))
                        {
                            queue.Enqueue(m);
                        }

                        n.Advance(r);
                    }
                }

                if (queue.TryDequeue(out var msg))
                {
                    nodes[msg.To].Step(msg);
                }
            }
            while (queue.Count > 0 || nodes.Values.Any(n => n.HasReady));
        }

        while (!nodes["a"].GetState().IsLeader)
        {
            nodes["a"].Tick();
            Pump();
        }

        // Heartbeats make the followers acknowledge index 2 (term 2): a majority holds it, yet it is not committed.
        for (var i = 0; i < 6; i++)
        {
            nodes["a"].Tick();
            Pump();
        }

        Assert.Equal(3, nodes["a"].CurrentTerm);
        Assert.Equal(2, nodes["a"].MatchIndex("b"));
        Assert.Equal(0, nodes["a"].CommitIndex);

        // An entry of the current term commits, and with it everything before.
        var result = nodes["a"].Propose(Bytes("new"));
        Pump();
        Assert.Equal(3, result.Index);
        Assert.Equal(3, nodes["a"].CommitIndex);
    }

    [Fact]
    public void ProposeOnFollowerIsRejectedWithLeaderHint()
    {
        // Reference: lab interface: Start on a non-leader returns false at once; etcd forwards via the leader hint.
        var c = new MiniCluster(3);
        c.Elect("n2");
        var result = c["n1"].Propose(Bytes("cmd"));
        Assert.False(result.Accepted);
        Assert.Equal("n2", result.LeaderHint);

        var accepted = c.Propose("n2", "cmd");
        Assert.True(accepted.Accepted);
        Assert.Equal(1, accepted.Index);
        Assert.Equal(c["n2"].CurrentTerm, accepted.Term);
        Assert.All(c.Ids, id => Assert.Equal(1, c[id].LastIndex));
    }

    [Fact]
    public void FollowerAcknowledgesAppendOnlyAfterPersist()
    {
        // Reference: Figure 2 "persistent state ... updated on stable storage before responding to RPCs".
        var node = new RaftNode(Config("b"), new Random(1));
        node.Step(new AppendEntriesRequest("a", "b", 1, 0, 0, [E(1, 1), E(2, 1)], 1));
        var ready = node.GetReady();
        Assert.Equal(2, ready.Entries.Count);
        Assert.Empty(ready.Messages);
        var ack = Assert.IsType<AppendEntriesResponse>(Assert.Single(ready.MessagesAfterPersist));
        Assert.True(ack.Success);
        Assert.Equal(2, ack.MatchIndex);
        Assert.Equal(1, Assert.Single(ready.CommittedEntries).Index); // min(leaderCommit, last new entry)
        Assert.True(ready.MustPersist);
        node.Advance(ready);
        Assert.Equal(1, node.LastApplied);
    }

    [Fact]
    public void ConflictingSuffixIsTruncatedButMatchingEntriesAreKept()
    {
        // Reference: Figure 2 AppendEntries receiver steps 3-4; a delayed duplicate must not truncate.
        var node = new RaftNode(Config("b"), new Random(1), new HardState(2, null), null, [E(1, 1), E(2, 1), E(3, 2), E(4, 2)]);
        node.Step(new AppendEntriesRequest("a", "b", 3, 1, 1, [E(2, 1)], 0));
        var dup = Drain(node);
        Assert.Equal(4, node.LastIndex);
        Assert.Null(dup.TruncateFrom);

        node.Step(new AppendEntriesRequest("a", "b", 3, 2, 1, [E(3, 3)], 0));
        var ready = Drain(node);
        Assert.Equal(3, node.LastIndex);
        Assert.Equal(3, node.TermAt(3));
        Assert.Equal(3, ready.TruncateFrom);
        Assert.Equal(3, Assert.Single(ready.Entries).Index);
    }

    [Fact]
    public void FastBacktrackingSkipsWholeConflictingTerms()
    {
        // Reference: §5.3 "the follower can include the term of the conflicting entry and the first index it stores
        // for that term": one rejection per conflicting term, not per entry.
        var stale = Enumerable.Range(1, 50).Select(i => E(i, i <= 1 ? 1 : 2)).ToArray();
        var fresh = Enumerable.Range(1, 50).Select(i => E(i, i <= 1 ? 1 : 3)).ToArray();
        var rejections = 0;
        var c = new MiniCluster(3, drop: m =>
        {
            if (m is AppendEntriesResponse { Success: false })
            {
                rejections++;
            }

            return false;
        });
        c.Nodes["n1"] = new RaftNode(Config3("n1"), new Random(1), new HardState(3, null), null, fresh);
        c.Nodes["n2"] = new RaftNode(Config3("n2"), new Random(2), new HardState(3, null), null, fresh);
        c.Nodes["n3"] = new RaftNode(Config3("n3"), new Random(3), new HardState(2, null), null, stale);
        c.Isolate("n3");
        c.Elect("n1");
        c.Heal();
        c.TickAll(4);
        Assert.Equal(50, c["n1"].MatchIndex("n3"));
        Assert.Equal(3, c["n3"].TermAt(50));
        Assert.InRange(rejections, 1, 2);

        static RaftConfig Config3(string id) => new()
        {
            SelfId = id,
            PeerIds = ["n1", "n2", "n3"],
            ElectionTicks = 10,
            HeartbeatTicks = 2,
            LeaderNoOp = false,
        };
    }

    [Fact]
    public void PipeliningIsBoundedForAnUnresponsiveFollower()
    {
        // Reference: etcd flow control: at most MaxInflightAppends appends in flight; then Probe after a timeout.
        var c = new MiniCluster(3, cfg => cfg with { MaxInflightAppends = 3, MaxEntriesPerAppend = 2 });
        c.Elect("n1");
        var silent = "n3";
        c.TickAll(2); // n3 answers once: Replicate state
        var before = c.Sent.Count(m => m is AppendEntriesRequest { To: "n3", Entries.Length: > 0 });
        c.Isolate(silent);
        for (var i = 0; i < 40; i++)
        {
            c.Propose("n1", $"c{i}");
        }

        var sent = c.Sent.Count(m => m is AppendEntriesRequest { To: "n3", Entries.Length: > 0 }) - before;
        Assert.Equal(3, c["n1"].InflightAppends(silent));
        Assert.Equal(3, sent);
        Assert.Equal(40, c["n1"].CommitIndex); // the healthy follower is not held back
        Assert.Equal(40, c["n1"].MatchIndex("n2"));

        // After an election timeout without answers, the leader falls back to one probe per heartbeat.
        var mark = c.Sent.Count;
        c.Tick("n1", 30);
        var probes = c.Sent.Skip(mark).Count(m => m is AppendEntriesRequest { To: "n3" });
        Assert.InRange(probes, 1, 15); // 30 ticks / HeartbeatTicks 2: one message per heartbeat, nothing more
        Assert.Equal(0, c["n1"].InflightAppends(silent));

        c.Heal();
        c.TickAll(6);
        Assert.Equal(40, c["n1"].MatchIndex(silent));
        Assert.Equal(40, c[silent].CommitIndex);
    }

    [Fact]
    public void HeartbeatCarriesNewEntriesAndBatches()
    {
        // Reference: §5.2/§5.3: heartbeats are AppendEntries; entries proposed between two Readies share one message.
        var c = new MiniCluster(3);
        c.Elect("n1");
        c.TickAll(2);
        var before = c.Sent.Count;
        for (var i = 0; i < 10; i++)
        {
            Assert.True(c["n1"].Propose(Bytes($"c{i}")).Accepted);
        }

        c.Deliver();
        var appends = c.Sent.Skip(before).OfType<AppendEntriesRequest>().Where(m => m.Entries.Length > 0).ToList();
        Assert.Equal(2, appends.Count);
        Assert.All(appends, m => Assert.Equal(10, m.Entries.Length));
    }

    [Fact]
    public void StaleSnapshotIsIgnored()
    {
        // Reference: Figure 13 / lab 2D: never install a snapshot older than what is committed or applied.
        var node = new RaftNode(Config("b"), new Random(1));
        node.Step(new AppendEntriesRequest("a", "b", 1, 0, 0, [.. Enumerable.Range(1, 10).Select(i => E(i, 1))], 10));
        Assert.Equal(10, Drain(node).CommittedEntries.Count);

        node.Step(new InstallSnapshotRequest("a", "b", 1, new RaftSnapshot(5, 1, Bytes("s5"))));
        var stale = Drain(node);
        Assert.Null(stale.SnapshotToApply);
        Assert.Null(stale.Snapshot);
        Assert.Equal(10, Assert.IsType<InstallSnapshotResponse>(Assert.Single(stale.MessagesAfterPersist)).MatchIndex);
        Assert.Equal(0, node.LastIncludedIndex);

        // A newer one is installed, and no entry it covers is ever applied afterwards.
        node.Step(new InstallSnapshotRequest("a", "b", 1, new RaftSnapshot(20, 1, Bytes("s20"))));
        var fresh = Drain(node);
        Assert.Equal(20, fresh.SnapshotToApply?.LastIncludedIndex);
        Assert.Equal(20, fresh.Snapshot?.LastIncludedIndex);
        Assert.Equal(21, fresh.TruncateFrom); // the log did not hold index 20: everything after the snapshot goes too
        Assert.Empty(fresh.CommittedEntries);
        Assert.Equal(20, node.LastIncludedIndex);
        Assert.Equal(20, node.CommitIndex);
        Assert.Equal(20, node.LastApplied);

        node.Step(new AppendEntriesRequest("a", "b", 1, 18, 1, [E(19, 1), E(20, 1), E(21, 1)], 21));
        var next = Drain(node);
        Assert.Equal(21, Assert.Single(next.CommittedEntries).Index);
        Assert.Equal(21, Assert.Single(next.Entries).Index);
    }

    [Fact]
    public void CompactionKeepsAbsoluteIndicesAndLeaderSendsSnapshotToLaggard()
    {
        // Reference: §7: log indices survive compaction; a follower behind the snapshot gets InstallSnapshot.
        var c = new MiniCluster(3);
        c.Elect("n1");
        c.Isolate("n3");
        for (var i = 1; i <= 30; i++)
        {
            c.Propose("n1", $"c{i}");
        }

        c.TickAll(2);
        c["n1"].Snapshot(25, Bytes("state@25"));
        c.Deliver();
        Assert.Equal(25, c["n1"].LastIncludedIndex);
        Assert.Equal(26, c["n1"].FirstIndex);
        Assert.Equal(30, c["n1"].LastIndex);
        Assert.Equal(27, c["n1"].EntryAt(27).Index);
        Assert.Throws<ArgumentOutOfRangeException>(() => c["n1"].Snapshot(31, Bytes("too far")));

        c.Heal();
        c.TickAll(8);
        Assert.Contains(c.Sent, m => m is InstallSnapshotRequest { To: "n3" });
        Assert.Equal(30, c["n3"].CommitIndex);
        Assert.Equal(25, c["n3"].LastIncludedIndex);
        Assert.Equal([26, 27, 28, 29, 30], c.Applied["n3"].Select(e => e.Index));
    }

    [Fact]
    public void PreVoteKeepsPartitionedPeerFromDisruptingLeader()
    {
        // Reference: thesis §9.6: a rejoining peer whose pre-vote fails does not bump its term or depose the leader.
        var c = new MiniCluster(3, cfg => cfg with { PreVote = true, CheckQuorum = true });
        var leader = c.Elect("n1");
        c.TickAll(2);
        var term = c[leader].CurrentTerm;
        c.Isolate("n3");
        for (var i = 0; i < 100; i++)
        {
            c.TickAll();
        }

        Assert.Equal(term, c["n3"].CurrentTerm); // pre-votes failed: no term inflation
        c.Heal();
        c.TickAll(30);
        Assert.True(c[leader].GetState().IsLeader);
        Assert.Equal(term, c[leader].CurrentTerm);
        Assert.Equal(term, c["n3"].CurrentTerm);
    }

    [Fact]
    public void WithoutPreVoteAPartitionedPeerDisruptsTheLeader()
    {
        // The counterpart of the test above: it shows the previous test can fail.
        var c = new MiniCluster(3);
        var leader = c.Elect("n1");
        c.TickAll(2);
        var term = c[leader].CurrentTerm;
        c.Isolate("n3");
        for (var i = 0; i < 100; i++)
        {
            c.TickAll();
        }

        Assert.True(c["n3"].CurrentTerm > term);
        c.Heal();
        c.TickAll(30);
        Assert.True(c[leader].CurrentTerm > term);
    }

    [Fact]
    public void CheckQuorumLeaderStepsDownWithoutMajority()
    {
        // Reference: thesis §6.2: a leader that cannot reach a majority for an election timeout steps down.
        var c = new MiniCluster(3, cfg => cfg with { CheckQuorum = true, PreVote = true });
        var leader = c.Elect("n1");
        c.TickAll(2);
        c.Isolate(leader);
        c.Tick(leader, 21);
        Assert.False(c[leader].GetState().IsLeader);

        var plain = new MiniCluster(3);
        var plainLeader = plain.Elect("n1");
        plain.Isolate(plainLeader);
        plain.Tick(plainLeader, 100);
        Assert.True(plain[plainLeader].GetState().IsLeader); // without check-quorum it never notices
    }

    [Fact]
    public void RestartResumesFromPersistedState()
    {
        // Reference: Figure 2 persistent state and §7: a restarted peer keeps term, vote and log, and resumes
        // applying after its snapshot.
        var snapshot = new RaftSnapshot(10, 2, Bytes("s10"));
        var node = new RaftNode(Config("b"), new Random(1), new HardState(4, "a"), snapshot, [E(11, 3), E(12, 4)]);
        Assert.Equal(4, node.CurrentTerm);
        Assert.Equal("a", node.VotedFor);
        Assert.Equal(10, node.LastApplied);
        Assert.Equal(10, node.CommitIndex);
        Assert.Equal(12, node.LastIndex);
        Assert.Equal(2, node.TermAt(10));
        Assert.Null(node.TermAt(9));
        Assert.False(node.HasReady);

        node.Step(new RequestVoteRequest("c", "b", 4, 12, 4, false));
        Assert.False(Assert.IsType<RequestVoteResponse>(Assert.Single(Drain(node).MessagesAfterPersist)).VoteGranted);
        node.Step(new AppendEntriesRequest("a", "b", 4, 12, 4, [], 12));
        Assert.Equal([11, 12], Drain(node).CommittedEntries.Select(e => e.Index));
    }

    [Fact]
    public void NoOpEntryLetsNewLeaderCommitEarlierEntries()
    {
        // Reference: §8: a leader commits a blank no-op entry at the start of its term.
        var c = new MiniCluster(3, cfg => cfg with { LeaderNoOp = true });
        c.Elect("n1");
        c.TickAll(2);
        Assert.Equal(1, c["n1"].CommitIndex);
        var noop = Assert.Single(c.Applied["n2"]);
        Assert.Equal(LogEntryKind.NoOp, noop.Kind);
        Assert.Empty(noop.Command);
    }

    [Fact]
    public void OnlyOneReadyMayBeOutstanding()
    {
        var node = new RaftNode(Config("b"), new Random(1));
        node.Step(new RequestVoteRequest("a", "b", 1, 0, 0, false));
        var ready = node.GetReady();
        Assert.False(node.HasReady);
        Assert.Throws<InvalidOperationException>(() => node.GetReady());

        // Input accepted while the host persists; its output waits for the next Ready.
        node.Step(new AppendEntriesRequest("a", "b", 1, 0, 0, [E(1, 1)], 0));
        node.Advance(ready);
        Assert.True(node.HasReady);
        Assert.Single(node.GetReady().Entries);
    }
}
