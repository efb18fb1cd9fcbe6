using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// One <see cref="RaftPeer"/> driven by hand, as its grain would drive it: the memory store (saves complete at
/// once unless held), a transport that only records, and the test playing every other peer.
/// </summary>
internal sealed class PeerUnderTest
{
    public PeerUnderTest(IRaftStateMachine stateMachine, params string[] peers)
        : this(stateMachine, snapshotEveryEntries: 0, serializeSnapshot: null, peers)
    {
    }

    /// <param name="serializeSnapshot">Where the peer serializes its snapshots (null: inline), as a grain runs them on the thread pool.</param>
    public PeerUnderTest(IRaftStateMachine stateMachine, int snapshotEveryEntries, Func<Func<byte[]>, Task<byte[]>>? serializeSnapshot, params string[] peers)
    {
        var group = new RaftGroupConfig($"unit{Guid.NewGuid():N}"[..12], peers, "test");
        Key = RaftGroupConfig.PeerKey(group.Name, peers[0]);
        Saves = new GatedRaftStorage(Storage);
        var store = new RaftPeerStore(Saves, Key, time: Time);
        var data = store.ClaimAsync(group).GetAwaiter().GetResult();
        var options = new RaftOptions
        {
            ElectionTicks = 10, HeartbeatTicks = 2, PreVote = false, CheckQuorum = false, LeaderNoOp = false,
            SnapshotEveryEntries = snapshotEveryEntries, SnapshotAfterBytes = 0,
        };
        Peer = new RaftPeer(store, data, stateMachine, new Recorder(Sent), options, new Random(3), Time, NullLogger.Instance)
        {
            SerializeSnapshot = serializeSnapshot ?? (serialize => Task.FromResult(serialize())),
        };
        Time.Advance(options.OwnershipLease);
    }

    public string Key { get; }

    /// <summary>The peer's clock; the constructor moves it past the silence that follows a claim.</summary>
    public FakeTimeProvider Time { get; } = new();

    public MemoryRaftStorage Storage { get; } = new();

    /// <summary>The storage the peer uses: <see cref="Storage"/>, with saves a test can hold.</summary>
    public GatedRaftStorage Saves { get; }

    public RaftPeer Peer { get; }

    public List<RaftMessage> Sent { get; } = [];

    public RaftNode Node => Peer.Node;

    /// <summary>Ticks until the peer campaigns, then grants it the votes of <paramref name="voters"/>.</summary>
    public void WinElection(params string[] voters)
    {
        var term = Node.CurrentTerm;
        for (var i = 0; i < 100 && Node.CurrentTerm == term; i++)
        {
            Peer.Tick();
        }

        Peer.Deliver([.. voters.Select(v => new RequestVoteResponse(v, Node.Id, Node.CurrentTerm, VoteGranted: true, PreVote: false))]);
        Assert.True(Node.GetState().IsLeader, $"{Node.Id} did not become leader of term {Node.CurrentTerm}");
    }

    private sealed class Recorder(List<RaftMessage> sent) : IRaftTransport
    {
        public void Send(string to, RaftMessage[] messages) => sent.AddRange(messages);
    }
}
