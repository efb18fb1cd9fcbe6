using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>The loader refuses every state that breaks the log's chain, naming peer, record and index.</summary>
public sealed class RaftPeerDataValidatorTests
{
    private const string Peer = "g/p0";

    [Fact]
    public void AChainedLogAfterASnapshot_IsAccepted()
    {
        var data = State(3, new RaftSnapshot(2, 1, []), Entry(3, 1), Entry(4, 3));
        Assert.Same(data, RaftPeerDataValidator.Validate(Peer, data));
    }

    [Fact]
    public void AGapInTheLog_IsRefusedAtTheMissingIndex() =>
        AssertRefused(State(1, null, Entry(1, 1), Entry(2, 1), Entry(4, 1)), "log", 3, "not contiguous");

    [Fact]
    public void ALogNotStartingRightAfterTheSnapshot_IsRefused() =>
        AssertRefused(State(1, new RaftSnapshot(5, 1, []), Entry(7, 1)), "log", 6, "not contiguous");

    [Fact]
    public void AnEntryCoveredByTheSnapshot_IsRefused() =>
        AssertRefused(State(1, new RaftSnapshot(5, 1, []), Entry(5, 1), Entry(6, 1)), "log", 5, "covered by the snapshot");

    [Fact]
    public void ATermGoingDownAlongTheLog_IsRefused_TwoHistoriesSpliced() =>
        AssertRefused(State(3, null, Entry(1, 1), Entry(2, 3), Entry(3, 2)), "log", 3, "terms never decrease");

    [Fact]
    public void AFirstEntryOlderThanTheSnapshotTerm_IsRefused() =>
        AssertRefused(State(4, new RaftSnapshot(5, 4, []), Entry(6, 3)), "log", 6, "terms never decrease");

    [Fact]
    public void ACurrentTermBelowTheLog_IsRefused() =>
        AssertRefused(State(2, null, Entry(1, 1), Entry(2, 3)), "hard state", 2, "below the term 3");

    private static void AssertRefused(RaftPeerData data, string record, long index, string problem)
    {
        var error = Assert.Throws<RaftStorageCorruptException>(() => RaftPeerDataValidator.Validate(Peer, data));
        Assert.Equal(Peer, error.Peer);
        Assert.Equal(record, error.Record);
        Assert.Equal(index, error.Index);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    private static RaftPeerData State(long term, RaftSnapshot? snapshot, params LogEntry[] entries) =>
        new(1, null, new HardState(term, null), snapshot, entries);

    private static LogEntry Entry(long index, long term) => new(index, term, []);
}
