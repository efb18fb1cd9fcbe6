using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Raft.Storage;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The peer store against the cluster's SQLite provider: what a restarted peer loads is exactly what the
/// core had persisted, including after truncations and snapshots.
/// </summary>
[Collection(RaftCollection.Name)]
public sealed class RaftPeerStoreTests(RaftClusterFixture fixture)
{
    private const int Segment = 4;

    [Fact]
    public async Task InstalledSnapshotWithConflictingTerm_DropsTheWholeSuffix_AndARestartLoadsNoStaleEntry()
    {
        var (node, store, id) = await FollowerWithLogAsync(entries: 10, term: 1);

        // A leader of term 3 sends a snapshot up to 5 whose last term (2) differs from ours at 5 (1).
        node.Step(new InstallSnapshotRequest("p1", "p0", 3, new RaftSnapshot(5, 2, [42])));
        await SaveAllAsync(node, store);

        var reloaded = new RaftPeerStore(Storage, id, Segment);
        var entries = await reloaded.LoadAsync();
        Assert.Equal(5, reloaded.Snapshot?.LastIncludedIndex);
        Assert.Empty(entries);
    }

    [Fact]
    public async Task ConflictingAppend_TruncatesAndRewrites_AndARestartLoadsTheNewSuffix()
    {
        var (node, store, id) = await FollowerWithLogAsync(entries: 10, term: 1);

        // A leader of term 2 agrees up to 6 and replaces 7.. with two entries of its own.
        node.Step(new AppendEntriesRequest("p1", "p0", 2, 6, 1, [new LogEntry(7, 2, [7]), new LogEntry(8, 2, [8])], 0));
        await SaveAllAsync(node, store);

        var entries = await new RaftPeerStore(Storage, id, Segment).LoadAsync();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), entries.Select(e => e.Index));
        Assert.Equal([1L, 1, 1, 1, 1, 1, 2, 2], entries.Select(e => e.Term));
    }

    [Fact]
    public async Task AppendOfASupersededActivation_FailsOnItsETag_AndTheNewerActivationsLogStands()
    {
        var (node, store, id) = await FollowerWithLogAsync(entries: 10, term: 1);

        // A newer activation of the same peer loads and claims while the older one still runs.
        var newer = new RaftPeerStore(Storage, id, Segment);
        var loaded = await newer.LoadAsync();
        await newer.ClaimAsync(null);

        // The older one takes an append of its current term: no hard-state change, only the last segment.
        node.Step(new AppendEntriesRequest("p1", "p0", 1, 10, 1, [new LogEntry(11, 1, [11])], 0));
        await Assert.ThrowsAsync<InconsistentStateException>(() => SaveAllAsync(node, store));

        var reloaded = await new RaftPeerStore(Storage, id, Segment).LoadAsync();
        Assert.Equal(loaded.Select(e => e.Index), reloaded.Select(e => e.Index));
        Assert.Equal(10, reloaded.Count);
    }

    [Fact]
    public async Task AppendIntoANewSegmentOfASupersededActivation_FailsOnItsETag()
    {
        // Two full segments: the older activation's next append creates segment 2, a record nobody has read.
        var (node, store, id) = await FollowerWithLogAsync(entries: 2 * Segment, term: 1);
        var newer = new RaftPeerStore(Storage, id, Segment);
        await newer.LoadAsync();
        await newer.ClaimAsync(null);

        node.Step(new AppendEntriesRequest("p1", "p0", 1, 2 * Segment, 1, [new LogEntry(2 * Segment + 1, 1, [9])], 0));
        await Assert.ThrowsAsync<InconsistentStateException>(() => SaveAllAsync(node, store));

        var reloaded = await new RaftPeerStore(Storage, id, Segment).LoadAsync();
        Assert.Equal(2 * Segment, reloaded.Count);
    }

    [Fact]
    public async Task TruncatedSegmentsAreEmptiedNotDeleted_SoAnOlderActivationCannotRecreateThem()
    {
        var (node, store, id) = await FollowerWithLogAsync(entries: 10, term: 1);
        var newer = new RaftPeerStore(Storage, id, Segment);
        var newerNode = new RaftNode(Config, new Random(2), HardState.Initial, null, await newer.LoadAsync());
        await newer.ClaimAsync(null);

        // The newer activation takes a term-2 leader's log that cuts back to 3: segments 1 and 2 lose their entries.
        newerNode.Step(new AppendEntriesRequest("p2", "p0", 2, 2, 1, [new LogEntry(3, 2, [3])], 0));
        await SaveAllAsync(newerNode, newer);

        // Segment 2 still exists (some providers accept any write to a missing record), so the older one,
        // still at term 1, cannot append after its own 10.
        var segment2 = new StoredRecord<LogSegment>(new LogSegment());
        await Storage.ReadStateAsync("raft-log-2", id, segment2);
        Assert.True(segment2.RecordExists);
        Assert.Empty(segment2.State.Entries);
        node.Step(new AppendEntriesRequest("p1", "p0", 1, 10, 1, [new LogEntry(11, 1, [11])], 0));
        await Assert.ThrowsAsync<InconsistentStateException>(() => SaveAllAsync(node, store));

        var reloaded = await new RaftPeerStore(Storage, id, Segment).LoadAsync();
        Assert.Equal([1L, 1, 2], reloaded.Select(e => e.Term));
    }

    private static RaftConfig Config => new() { SelfId = "p0", PeerIds = ["p0", "p1", "p2"] };

    private IGrainStorage Storage =>
        ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Raft);

    private async Task<(RaftNode Node, RaftPeerStore Store, GrainId Id)> FollowerWithLogAsync(int entries, long term)
    {
        var id = GrainId.Create("raftstoretest", Guid.NewGuid().ToString("N"));
        var store = new RaftPeerStore(Storage, id, Segment);
        await store.LoadAsync();
        await store.ClaimAsync(null);
        var node = new RaftNode(Config, new Random(1));
        var log = Enumerable.Range(1, entries).Select(i => new LogEntry(i, term, [(byte)i])).ToArray();
        node.Step(new AppendEntriesRequest("p1", "p0", term, 0, 0, log, 0));
        await SaveAllAsync(node, store);
        return (node, store, id);
    }

    private static async Task SaveAllAsync(RaftNode node, RaftPeerStore store)
    {
        while (node.HasReady)
        {
            var ready = node.GetReady();
            if (ready.MustPersist)
            {
                await store.SaveAsync(ready, node.FirstIndex, node.EntryAt);
            }

            node.Advance(ready);
        }
    }
}
