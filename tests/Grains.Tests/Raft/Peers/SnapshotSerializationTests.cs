using System.Buffers.Binary;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// A snapshot serialized away from the peer's thread: the peer goes on committing and applying meanwhile, and the
/// log is compacted only once the bytes exist, to the index the state was captured at.
/// </summary>
public sealed class SnapshotSerializationTests
{
    [Fact]
    public async Task WhileASnapshotIsSerialized_ThePeerGoesOn_ThenCompactsToTheCapturedIndex()
    {
        var serializer = new HeldSerializer();
        var machine = new CountingStateMachine();
        var t = new PeerUnderTest(machine, snapshotEveryEntries: 5, serializer.SerializeAsync, "p0");
        t.WinElection();
        for (var i = 0; i < 5; i++)
        {
            await t.Peer.ExecuteAsync([1]);
        }

        Assert.Equal(1, serializer.Started);
        for (var i = 0; i < 7; i++)
        {
            await t.Peer.ExecuteAsync([1]).WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(12, t.Node.LastApplied);
        Assert.Equal(0, t.Node.LastIncludedIndex);
        Assert.Equal(1, serializer.Started);

        serializer.Release();

        Assert.Equal(5, t.Node.LastIncludedIndex);
        var stored = await t.Storage.ReadAsync(t.Key);
        Assert.Equal(5, stored.Snapshot!.LastIncludedIndex);
        Assert.Equal(5, BinaryPrimitives.ReadInt64LittleEndian(stored.Snapshot.Data));
        Assert.Equal(12, stored.Entries[^1].Index);
    }

    [Fact]
    public async Task ASnapshotWhoseSerializationFails_KeepsTheLog_AndThePeerGoesOn()
    {
        var serializer = new HeldSerializer();
        var t = new PeerUnderTest(new CountingStateMachine(), snapshotEveryEntries: 5, serializer.SerializeAsync, "p0");
        t.WinElection();
        for (var i = 0; i < 5; i++)
        {
            await t.Peer.ExecuteAsync([1]);
        }

        Assert.Equal(1, serializer.Started);
        serializer.Fail();
        await t.Peer.ExecuteAsync([1]).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(t.Peer.IsStopped);
        Assert.Equal(0, t.Node.LastIncludedIndex);
        Assert.Equal(6, t.Node.LastApplied);
    }

    /// <summary>Counts the commands applied; its snapshot is the count at capture.</summary>
    private sealed class CountingStateMachine : IRaftStateMachine
    {
        private long _applied;

        public byte[] Apply(long index, byte[] command)
        {
            _applied++;
            return [];
        }

        public byte[] TakeSnapshot()
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, _applied);
            return bytes;
        }

        public void Restore(long lastIncludedIndex, byte[] snapshot) => _applied = BinaryPrimitives.ReadInt64LittleEndian(snapshot);
    }

    /// <summary>Holds each serialization until the test releases it; the peer's continuation then runs on the test's thread, as on a grain's.</summary>
    private sealed class HeldSerializer
    {
        private readonly List<(Func<byte[]> Serialize, TaskCompletionSource<byte[]> Done)> _held = [];

        public int Started { get; private set; }

        public Task<byte[]> SerializeAsync(Func<byte[]> serialize)
        {
            Started++;
            var done = new TaskCompletionSource<byte[]>();
            _held.Add((serialize, done));
            return done.Task;
        }

        public void Release()
        {
            foreach (var (serialize, done) in _held)
            {
                done.SetResult(serialize());
            }

            _held.Clear();
        }

        public void Fail()
        {
            foreach (var (_, done) in _held)
            {
                done.SetException(new IOException("injected: serialization failed"));
            }

            _held.Clear();
        }
    }
}
