using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// Production <see cref="RaftPeer"/>s on one shared memory store, a fake clock and a network the test routes: several
/// activations of one peer may run at once (a silo declared dead that resumes while others still route to it), each
/// claiming the peer's storage as a grain activation does. Every delivery and tick runs on the test's thread.
/// </summary>
internal sealed class PeerNetwork
{
    private readonly Queue<(Activation From, string To, RaftMessage[] Messages)> _inFlight = new();
    private readonly List<Activation> _activations = [];
    private readonly Func<IRaftStateMachine> _stateMachine;
    private int _seed;

    public PeerNetwork(params string[] peers)
        : this(() => new RegisterStateMachine(), peers)
    {
    }

    /// <param name="stateMachine">Makes each activation's state machine.</param>
    public PeerNetwork(Func<IRaftStateMachine> stateMachine, params string[] peers)
    {
        _stateMachine = stateMachine;
        Group = new RaftGroupConfig($"net{Guid.NewGuid():N}"[..12], peers, "sm");
        Route = (_, to) => Newest(to);
    }

    public RaftGroupConfig Group { get; }

    public FakeTimeProvider Time { get; } = new();

    public MemoryRaftStorage Storage { get; } = new();

    public RaftOptions Options { get; } = new();

    /// <summary>Which activation of <c>To</c> a message from <c>From</c> reaches; null drops it. Default: the newest running one.</summary>
    public Func<Activation, string, Activation?> Route { get; set; }

    public IEnumerable<Activation> Running => _activations.Where(a => !a.Peer.IsStopped);

    public IReadOnlyList<Activation> All => _activations;

    /// <summary>A new activation of <paramref name="peer"/>: it claims the peer's storage now.</summary>
    public Activation Start(string peer)
    {
        var key = RaftGroupConfig.PeerKey(Group.Name, peer);
        var store = new RaftPeerStore(Storage, key, time: Time);
        var data = store.ClaimAsync(Group).GetAwaiter().GetResult();
        Activation? activation = null;
        var transport = new Transport((to, messages) => _inFlight.Enqueue((activation!, to, messages)));
        var raft = new RaftPeer(store, data, _stateMachine(), transport, Options, new Random(++_seed), Time, NullLogger.Instance);
        activation = new Activation(peer, _activations.Count(a => a.Id == peer) + 1, raft);
        _activations.Add(activation);
        return activation;
    }

    /// <summary>One tick of <see cref="RaftOptions.TickPeriod"/> for every running activation, then the network settles.</summary>
    public void Tick(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Time.Advance(Options.TickPeriod);
            foreach (var activation in Running.ToList())
            {
                activation.Peer.Tick();
            }

            Deliver();
        }
    }

    /// <summary>Delivers what is in flight, and what that causes, until the network is quiet.</summary>
    public void Deliver()
    {
        for (var delivered = 0; _inFlight.TryDequeue(out var envelope) && delivered < 100_000; delivered++)
        {
            if (Route(envelope.From, envelope.To) is { Peer.IsStopped: false } target)
            {
                target.Peer.Deliver(envelope.Messages);
            }
        }
    }

    /// <summary>Ticks until <paramref name="done"/> holds; fails after <paramref name="ticks"/>.</summary>
    public void TickUntil(Func<bool> done, int ticks, string what)
    {
        for (var i = 0; !done(); i++)
        {
            Assert.True(i < ticks, $"{what} did not happen within {ticks} ticks; {Describe()}");
            Tick();
        }
    }

    public string Describe() => string.Join("; ", _activations.Select(a =>
        $"{a}: term {a.Peer.Node.CurrentTerm} {a.Peer.Node.Role}{(a.Peer.IsStopped ? " (stopped)" : string.Empty)} commit {a.Peer.Node.CommitIndex}"));

    private Activation? Newest(string peer) => _activations.LastOrDefault(a => a.Id == peer && !a.Peer.IsStopped);

    public sealed record Activation(string Id, int Number, RaftPeer Peer)
    {
        public bool IsLeader => !Peer.IsStopped && Peer.Node.GetState().IsLeader;

        public override string ToString() => $"{Id}#{Number}";
    }

    private sealed class Transport(Action<string, RaftMessage[]> send) : IRaftTransport
    {
        public void Send(string to, RaftMessage[] messages) => send(to, messages);
    }
}
