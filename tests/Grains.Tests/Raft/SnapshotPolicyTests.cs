using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Peer;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>When a peer compacts its log: at its thresholds, but never more often than the log grows by the state's size.</summary>
public sealed class SnapshotPolicyTests
{
    private static readonly RaftOptions EveryTenEntries = new() { SnapshotEveryEntries = 10, SnapshotAfterBytes = 0 };

    /// <summary>
    /// With 4-byte commands: a 13-byte state is snapshotted at the 10-entry threshold; a 1,000-byte state only once the
    /// commands since add up to its size, at 250 entries.
    /// </summary>
    [Theory]
    [InlineData(13, 10)]
    [InlineData(1_000, 250)]
    public void ASnapshotIsDue_AtTheEntryThreshold_OrOnceTheLogHoldsAsManyBytesAsTheLastSnapshot(long lastSnapshotBytes, int dueAt)
    {
        var policy = new SnapshotPolicy(EveryTenEntries, lastSnapshotBytes);
        Apply(policy, entries: dueAt - 1, bytesEach: 4);
        Assert.False(policy.IsDue(dueAt - 1));

        policy.Applied(4);

        Assert.True(policy.IsDue(dueAt));
    }

    [Fact]
    public void TheRatio_ScalesTheWait_AndZeroLeavesTheThresholdsAlone()
    {
        var twice = new SnapshotPolicy(new RaftOptions { SnapshotEveryEntries = 10, SnapshotAfterBytes = 0, SnapshotLogToStateRatio = 2 }, lastSnapshotBytes: 1_000);
        var thresholds = new SnapshotPolicy(new RaftOptions { SnapshotEveryEntries = 10, SnapshotAfterBytes = 0, SnapshotLogToStateRatio = 0 }, lastSnapshotBytes: 1_000);
        Apply(twice, entries: 499, bytesEach: 4);
        Apply(thresholds, entries: 10, bytesEach: 4);

        Assert.False(twice.IsDue(499));
        Assert.True(thresholds.IsDue(10));
        twice.Applied(4);
        Assert.True(twice.IsDue(500));
    }

    [Fact]
    public void TheByteThreshold_AlsoTriggers_AndNothingIsDueWithoutNewEntries()
    {
        var policy = new SnapshotPolicy(new RaftOptions { SnapshotEveryEntries = 0, SnapshotAfterBytes = 100 }, lastSnapshotBytes: 0);
        Assert.False(policy.IsDue(0));
        Apply(policy, entries: 2, bytesEach: 60);

        Assert.True(policy.IsDue(2));
        Assert.False(policy.IsDue(0));
    }

    [Fact]
    public void ASnapshotTakenOrInstalled_StartsTheCountAgain_FromItsCaptureAndAgainstItsSize()
    {
        var policy = new SnapshotPolicy(EveryTenEntries, lastSnapshotBytes: 0);
        Apply(policy, entries: 10, bytesEach: 4);
        Assert.True(policy.IsDue(10));

        policy.Capturing();
        Apply(policy, entries: 10, bytesEach: 4);
        policy.Serialized(400);

        Assert.False(policy.IsDue(10));
        Apply(policy, entries: 90, bytesEach: 4);
        Assert.True(policy.IsDue(100));

        policy.Covered(bytes: 800);
        Apply(policy, entries: 199, bytesEach: 4);
        Assert.False(policy.IsDue(199));
        policy.Applied(4);
        Assert.True(policy.IsDue(200));
    }

    /// <summary>
    /// Peers of one group apply the same commands. With a state that stays at 1,000 bytes (4-byte commands) the first
    /// peer snapshots every 250 entries; the second of three first at 334 and the third at 417, then every 250 like
    /// the first: no two ever at the same index (with a rate instead of an offset, 4/3 of the period, the first two
    /// would meet at 1,000 and 1,002).
    /// </summary>
    [Fact]
    public void PeersOfOneGroup_SnapshotAPhaseApart_RoundAfterRound()
    {
        string[] peers = ["p0", "p1", "p2"];
        var policies = peers.Select(p => new SnapshotPolicy(EveryTenEntries, lastSnapshotBytes: 1_000, SnapshotPolicy.Stagger(p, peers))).ToList();
        var since = new int[peers.Length];
        var taken = peers.Select(_ => new List<int>()).ToList();
        for (var index = 1; index <= 5_000; index++)
        {
            for (var i = 0; i < policies.Count; i++)
            {
                policies[i].Applied(4);
                if (policies[i].IsDue(++since[i]))
                {
                    taken[i].Add(index);
                    policies[i].Capturing();
                    policies[i].Serialized(1_000);
                    since[i] = 0;
                }
            }
        }

        Assert.Equal([250, 500, 750], taken[0][..3]);
        Assert.Equal([334, 584, 834], taken[1][..3]);
        Assert.Equal([417, 667, 917], taken[2][..3]);
        var all = taken.SelectMany((indexes, peer) => indexes.Select(index => (index, peer))).OrderBy(t => t.index).ToList();
        Assert.All(all.Zip(all.Skip(1)), pair => Assert.True(pair.Second.index - pair.First.index >= 50, $"p{pair.First.peer} at {pair.First.index}, p{pair.Second.peer} at {pair.Second.index}"));
    }

    private static void Apply(SnapshotPolicy policy, int entries, int bytesEach)
    {
        for (var i = 0; i < entries; i++)
        {
            policy.Applied(bytesEach);
        }
    }
}
