using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// The kinds of save a peer makes, each produced by a real <see cref="RaftNode"/> (a follower p0 of a 3-peer
/// group) from the messages that cause it, except a truncation without new entries, which the core only emits
/// inside a snapshot write and the store must still take alone.
/// </summary>
public static class SaveCases
{
    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static IReadOnlyList<SaveCase> All { get; } = Build();

    public static SaveCase Named(string name) => All.Single(c => c.Name == name);

    private static List<SaveCase> Build()
    {
        var cases = new List<SaveCase>();

        var follower = Follower(Log(1, 10, 1));
        cases.Add(follower.Case("same-term append", new AppendEntriesRequest("p1", "p0", 1, 10, 1, [.. Log(11, 12, 1)], 0)));

        follower = Follower(Log(1, 10, 1));
        cases.Add(follower.Case("long append", new AppendEntriesRequest("p1", "p0", 1, 10, 1, [.. Log(11, 400, 1)], 0)));

        // p1 of term 2 replicated 3..200 uncommitted; p2, leader of term 3, keeps only 1..2 and writes its own 3..12.
        follower = Follower([.. Log(1, 2, 1), .. Log(3, 200, 2)], term: 2, commit: 2);
        cases.Add(follower.Case("conflicting append far below the old end", new AppendEntriesRequest("p2", "p0", 3, 2, 1, [.. Log(3, 12, 3)], 2)));

        follower = Follower(Log(1, 10, 1));
        cases.Add(new SaveCase("truncation without new entries", follower.Writes, new RaftPeerWrite(null, null, 5, [])));

        follower = Follower(Log(1, 10, 1));
        cases.Add(follower.Case("vote in a newer term", new RequestVoteRequest("p2", "p0", 4, 10, 1, PreVote: false)));

        follower = Follower(Log(1, 10, 1));
        cases.Add(follower.Case("matching snapshot", new InstallSnapshotRequest("p1", "p0", 2, new RaftSnapshot(5, 1, [5, 5]))));

        follower = Follower(Log(1, 10, 1));
        cases.Add(follower.Case("snapshot over a conflicting log", new InstallSnapshotRequest("p2", "p0", 3, new RaftSnapshot(5, 2, [5, 2], new Membership(["p0", "p2", "p3"], learners: ["p1"])))));

        follower = Follower(Log(1, 10, 1), term: 1, commit: 8);
        cases.Add(follower.Compaction("compaction", 8, [8, 8, 8]));
        return cases;
    }

    private static LogEntry[] Log(long first, long last, long term) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => new LogEntry(i, term, [(byte)i, (byte)term]))];

    /// <summary>p0 after taking <paramref name="log"/> from p1, leader of <paramref name="term"/>, with every Ready saved.</summary>
    private static Recorder Follower(LogEntry[] log, long term = 1, long commit = 0)
    {
        var recorder = new Recorder();
        recorder.Node.Step(new AppendEntriesRequest("p1", "p0", term, 0, 0, log, commit));
        recorder.Drain();
        return recorder;
    }

    private sealed class Recorder
    {
        public RaftNode Node { get; } = new(new RaftConfig { SelfId = "p0", PeerIds = ["p0", "p1", "p2"], PreVote = false, CheckQuorum = false }, new Random(7));

        public List<RaftPeerWrite> Writes { get; } = [];

        public void Drain()
        {
            while (Node.HasReady)
            {
                var ready = Node.GetReady();
                if (ready.MustPersist)
                {
                    Writes.Add(RaftPeerWrite.From(ready));
                }

                Node.Advance(ready);
            }
        }

        public SaveCase Case(string name, RaftMessage message)
        {
            var before = Writes.Count;
            Node.Step(message);
            Drain();
            return Single(name, before);
        }

        public SaveCase Compaction(string name, long index, byte[] data)
        {
            var before = Writes.Count;
            Node.Snapshot(index, data);
            Drain();
            return Single(name, before);
        }

        private SaveCase Single(string name, int before)
        {
            if (Writes.Count != before + 1)
            {
                throw new InvalidOperationException($"{name}: expected one write, the core made {Writes.Count - before}.");
            }

            return new SaveCase(name, Writes[..before], Writes[before]);
        }
    }
}
