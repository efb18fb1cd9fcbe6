using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>What every store promises about claims, fencing and reads (SQLite, Redis, memory alike).</summary>
public sealed class RaftStorageContractTests
{
    public static TheoryData<string> Stores => ["sqlite", "memory", "redis"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task APeerNeverClaimed_ReadsEmpty_AndAClaimWithoutAGroupCreatesNothing(string kind)
    {
        using var under = StoreUnderTest.Create(kind);
        var storage = under.Open();
        var peer = NewPeer();

        Assert.Equal(0, (await storage.ClaimAsync(peer, join: null, location: null)).Incarnation);
        Assert.Equal(0, (await storage.ReadOwnerAsync(peer)).Incarnation);
        Assert.Null((await storage.ReadAsync(peer)).Group);
        await under.CloseAsync(storage);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task EachClaim_BumpsTheIncarnation_RecordsWhereThePeerRuns_AndKeepsTheFirstGroup(string kind)
    {
        using var under = StoreUnderTest.Create(kind);
        var storage = under.Open();
        var peer = NewPeer();
        var first = await storage.ClaimAsync(peer, Group(peer, "recorder"), "silo-a");
        var second = await storage.ClaimAsync(peer, Group(peer, "other"), "silo-b");
        var third = await storage.ClaimAsync(peer, join: null, location: "silo-c");

        Assert.Equal([1L, 2, 3], [first.Incarnation, second.Incarnation, third.Incarnation]);
        Assert.Equal("recorder", third.Group?.StateMachine);
        Assert.Equal(["p0", "p1", "p2"], third.Group?.PeerIds);
        var owner = await storage.ReadOwnerAsync(peer);
        Assert.Equal((3L, "silo-c", "recorder"), (owner.Incarnation, owner.Location, owner.Group?.StateMachine));
        Assert.Equal(RaftPeerOwner.None, await storage.ReadOwnerAsync(NewPeer()));
        await under.CloseAsync(storage);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ASaveOfAnOlderIncarnation_IsFenced_AndChangesNothing(string kind)
    {
        using var under = StoreUnderTest.Create(kind);
        var storage = under.Open();
        var peer = NewPeer();
        var older = await storage.ClaimAsync(peer, Group(peer, "recorder"), "silo-a");
        await storage.SaveAsync(peer, older.Incarnation, new RaftPeerWrite(new HardState(1, "p1"), null, null, [new LogEntry(1, 1, [1])]));
        var newer = await storage.ClaimAsync(peer, join: null, location: null);

        var write = new RaftPeerWrite(new HardState(2, null), new RaftSnapshot(1, 1, [9]), 1, [new LogEntry(2, 2, [2])]);
        var fenced = await Assert.ThrowsAsync<RaftStorageFencedException>(() => storage.SaveAsync(peer, older.Incarnation, write));
        Assert.Equal(older.Incarnation, fenced.Incarnation);
        Assert.Equal(StoredState.Describe(newer), StoredState.Describe(await storage.ReadAsync(peer)));
        await under.CloseAsync(storage);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ASave_AppliesSnapshotTruncationEntriesAndHardStateInThatOrder(string kind)
    {
        using var under = StoreUnderTest.Create(kind);
        var storage = under.Open();
        var peer = NewPeer();
        var incarnation = (await storage.ClaimAsync(peer, Group(peer, "recorder"), "silo-a")).Incarnation;
        var log = Enumerable.Range(1, 10).Select(i => new LogEntry(i, 1, [(byte)i])).ToArray();
        await storage.SaveAsync(peer, incarnation, new RaftPeerWrite(new HardState(1, "p1"), null, null, log));

        // Snapshot at 4 (with its configuration) drops 1..4; the cut at 8 drops 8..10; 8..9 come back in term 2; the vote is cleared.
        var write = new RaftPeerWrite(new HardState(2, null), new RaftSnapshot(4, 1, [4, 4], new Membership(["p0", "p1", "p3"], learners: ["p4"])), 8, [new LogEntry(8, 2, [80]), new LogEntry(9, 2, [90, 91], LogEntryKind.NoOp)]);
        await storage.SaveAsync(peer, incarnation, write);
        await under.CloseAsync(storage);

        var reopened = under.Open();
        var stored = RaftPeerDataValidator.Validate(peer, await reopened.ReadAsync(peer));
        Assert.Equal(
            $"incarnation 1, group {peer[..^3]}, term 2, vote -, snapshot 4@1 [0404] (voters p0,p1,p3 learners p4), log 5@1:05 6@1:06 7@1:07 8@2:50 9@2n:5A5B",
            StoredState.Describe(stored));
        await under.CloseAsync(reopened);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Retire_ByTheOwner_KeepsOnlyTheRecordAndItsSuccessors_AndByAnOlderActivation_IsFenced(string kind)
    {
        using var under = StoreUnderTest.Create(kind);
        var storage = under.Open();
        var peer = NewPeer();
        var older = (await storage.ClaimAsync(peer, Group(peer, "recorder"), "silo-a")).Incarnation;
        var owner = (await storage.ClaimAsync(peer, null, "silo-b")).Incarnation;
        await storage.SaveAsync(peer, owner, new RaftPeerWrite(new HardState(3, "p1"), new RaftSnapshot(2, 1, [2], new Membership(["p0", "p1"])), null, [new LogEntry(3, 3, [3])]));

        var successors = new Membership(["p1", "p2", "p3"], learners: ["p4"]);
        await Assert.ThrowsAsync<RaftStorageFencedException>(() => storage.RetireAsync(peer, older, successors));
        Assert.False((await storage.ReadAsync(peer)).Retired);

        await storage.RetireAsync(peer, owner, successors);
        await under.CloseAsync(storage);
        var reopened = under.Open();
        var retired = await reopened.ReadAsync(peer);
        Assert.Equal(successors, retired.Successors);
        Assert.Equal($"incarnation 2, group {peer[..^3]}, term 0, vote -, no snapshot, log", StoredState.Describe(retired));

        // A claim, even one that joins, finds it retired: it is never started afresh under its old name.
        var claimed = await reopened.ClaimAsync(peer, Group(peer, "recorder"), "silo-c");
        Assert.Equal(successors, claimed.Successors);
        Assert.Equal(3, claimed.Incarnation);
        await under.CloseAsync(reopened);
    }

    private static string NewPeer() => $"contract{Guid.NewGuid():N}/p0";

    private static RaftGroupConfig Group(string peer, string stateMachine) => new(peer[..^3], ["p0", "p1", "p2"], stateMachine);
}
