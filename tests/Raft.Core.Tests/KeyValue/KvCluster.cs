using RaftOrleans.KeyValue;
using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>
/// The key/value service on simulated Raft peers, in virtual time: each server runs a <see cref="RaftNode"/> (ticks,
/// Ready loop with synchronous persistence), applies committed commands to its <see cref="KeyValueStore"/>, answers
/// the clerk whose command it proposed once that index is applied, and snapshots the store when its persisted Raft
/// state passes <see cref="KvSimOptions.MaxRaftState"/>. Messages between servers and between clerks and servers go
/// through a lossy, delaying network; servers crash and restart from their persisted state.
/// </summary>
public sealed class KvCluster
{
    private readonly KvSimOptions _options;
    private readonly Random _netRng;
    private readonly Dictionary<string, int> _indexOf = [];
    private readonly string[] _peerIds;
    private long _readIds;

    public KvCluster(KvSimOptions options, int seed)
    {
        _options = options;
        Seed = seed;
        _netRng = new Random(unchecked((seed * 7_919) + 3));
        _peerIds = [.. Enumerable.Range(0, options.Servers).Select(i => $"kv{i}")];
        Peers = new KvPeer[options.Servers];
        for (var i = 0; i < options.Servers; i++)
        {
            Peers[i] = new KvPeer(i, _peerIds[i], Limits);
            _indexOf[_peerIds[i]] = i;
        }

        for (var i = 0; i < options.Servers; i++)
        {
            Start(i);
        }
    }

    public int Seed { get; }

    public Simulator Sim { get; } = new();

    public KvPeer[] Peers { get; }

    public KvLimits Limits { get; } = new();

    public bool Unreliable { get; set; }

    public bool LongReordering { get; set; }

    /// <summary>Largest persisted Raft state (hard state + log) any server had after a Ready, in bytes.</summary>
    public long MaxRaftStateSeen { get; private set; }

    public long SnapshotsTaken { get; private set; }

    public long SnapshotsInstalled { get; private set; }

    public long Messages { get; private set; }

    public RaftTestException Fail(string message) => new($"[kv seed={Seed} t={Sim.Now}ms] {message}");

    // ------------------------------------------------------------------------------------------- server control

    public void Crash(int i)
    {
        var peer = Peers[i];
        peer.Incarnation++;
        peer.Node = null;
        peer.Persisting = false;
        peer.Waiters.Clear();
        peer.Reads.Clear();
        peer.ReadsToServe.Clear();
        peer.Persister = peer.Persister.Copy();
    }

    /// <summary>(Re)starts server i from its persisted state: the store from the snapshot, the log replayed as it commits.</summary>
    public void Start(int i)
    {
        Crash(i);
        var peer = Peers[i];
        var p = peer.Persister;
        var config = new RaftConfig
        {
            SelfId = peer.Id,
            PeerIds = _peerIds,
            ElectionTicks = LabTiming.ElectionTicks,
            HeartbeatTicks = LabTiming.HeartbeatTicks,
            PreVote = _options.PreVote,
            CheckQuorum = _options.CheckQuorum,
            LeaderNoOp = true,
        };
        var random = new Random(unchecked((Seed * 1_000_003) + (i * 7_919) + (peer.Incarnation * 104_729)));
        peer.Node = new RaftNode(config, random, p.HardState, p.Snapshot, p.Log);
        peer.Store = new KeyValueStore(Limits);
        peer.LastApplied = 0;
        if (p.Snapshot is { } snapshot)
        {
            peer.Store.Restore(snapshot.Data);
            peer.LastApplied = snapshot.LastIncludedIndex;
        }

        var incarnation = peer.Incarnation;
        Sim.After(_netRng.Next(LabTiming.TickMs), () => TickLoop(i, incarnation));
    }

    /// <summary>Splits the servers into two groups (a server talks only within its group).</summary>
    public void Partition(IReadOnlyCollection<int> groupOne)
    {
        for (var i = 0; i < Peers.Length; i++)
        {
            Peers[i].Group = groupOne.Contains(i) ? 1 : 0;
        }
    }

    public void Heal()
    {
        foreach (var peer in Peers)
        {
            peer.Group = 0;
        }
    }

    public int? Leader()
    {
        int? leader = null;
        long term = -1;
        foreach (var peer in Peers)
        {
            if (peer.Node?.GetState() is { IsLeader: true } state && state.Term > term)
            {
                (leader, term) = (peer.Index, state.Term);
            }
        }

        return leader;
    }

    // ------------------------------------------------------------------------------------------- client requests

    /// <summary>A clerk's request to server i over the network; <paramref name="reply"/> runs when (if) the answer arrives.</summary>
    public void Request(int server, KvCommand command, Action<KvClientReply> reply)
    {
        if (Lost())
        {
            return;
        }

        Sim.After(Delay(), () =>
        {
            var peer = Peers[server];
            if (peer.Node is not { } node)
            {
                return;
            }

            Handle(peer, node, command, answer =>
            {
                if (!Lost())
                {
                    Sim.After(Delay(), () => reply(answer));
                }
            });
        });
    }

    private void Handle(KvPeer peer, RaftNode node, KvCommand command, Action<KvClientReply> reply)
    {
        if (_options.UnsafeLocalReads && command.Operation == KvOperation.Get && node.GetState().IsLeader)
        {
            // The deliberate bug: a read answered from local state by a leader that may have been deposed.
            reply(new KvClientReply(KvReply.Ok(peer.Store.Read(command.Key) ?? string.Empty), null));
            return;
        }

        if (command.Operation == KvOperation.Get)
        {
            // A read goes through ReadIndex, not the log: answered once the leader has confirmed it still leads
            // and has applied up to the read's index.
            var id = ++_readIds;
            var read = node.RequestRead(id);
            if (!read.Accepted)
            {
                reply(KvClientReply.WrongLeader(read.LeaderHint));
                return;
            }

            peer.Reads[id] = (command.Key, reply);
            Drain(peer.Index);
            return;
        }

        var result = node.Propose(command.Encode());
        if (!result.Accepted)
        {
            reply(KvClientReply.WrongLeader(result.LeaderHint));
            return;
        }

        if (peer.Waiters.Remove(result.Index, out var displaced))
        {
            displaced.Reply(KvClientReply.WrongLeader(null));
        }

        peer.Waiters[result.Index] = new KvPeer.Waiter(command.ClientId, command.Sequence, result.Term, reply);
        Drain(peer.Index);
    }

    // ------------------------------------------------------------------------------------------- the Ready loop

    private void TickLoop(int i, int incarnation)
    {
        var peer = Peers[i];
        if (peer.Incarnation != incarnation || peer.Node is not { } node)
        {
            return;
        }

        node.Tick();
        Drain(i);

        // A server no longer leading in the term of a waiting request tells its clerk at once (the clerk also times out).
        if (peer.Waiters.Count > 0)
        {
            var state = node.GetState();
            foreach (var (index, waiter) in peer.Waiters.Where(w => !state.IsLeader || w.Value.Term != state.Term).ToList())
            {
                peer.Waiters.Remove(index);
                waiter.Reply(KvClientReply.WrongLeader(state.LeaderId));
            }
        }

        Sim.After(LabTiming.TickMs, () => TickLoop(i, incarnation));
    }

    /// <summary>
    /// The host's Ready loop. With <see cref="KvSimOptions.PersistLatencyMs"/> &gt; 0 a Ready that must be persisted
    /// completes 1..PersistLatencyMs ms later (a crash meanwhile loses it); the peer keeps receiving messages, ticks
    /// and proposals meanwhile (the core allows it), and its next Ready waits.
    /// </summary>
    private void Drain(int i)
    {
        var peer = Peers[i];
        var node = peer.Node!;
        while (!peer.Persisting && node.HasReady)
        {
            var ready = node.GetReady();
            foreach (var m in ready.Messages)
            {
                Send(i, peer.Incarnation, m);
            }

            if (_options.PersistLatencyMs > 0 && ready.MustPersist)
            {
                peer.Persisting = true;
                var incarnation = peer.Incarnation;
                Sim.After(1 + _netRng.Next(_options.PersistLatencyMs), () =>
                {
                    if (peer.Incarnation == incarnation && peer.Node is not null)
                    {
                        peer.Persisting = false;
                        Complete(peer, node, ready);
                        Drain(i);
                    }
                });
                return;
            }

            Complete(peer, node, ready);
        }
    }

    /// <summary>The rest of a Ready once persisted: messages that needed it, apply, Advance, maybe snapshot.</summary>
    private void Complete(KvPeer peer, RaftNode node, Ready ready)
    {
        if (peer.Persister.Save(ready) is { } error)
        {
            throw Fail($"server {peer.Index} Ready contract violated: {error}");
        }

        if (_options.MaxRaftState > 0)
        {
            MaxRaftStateSeen = Math.Max(MaxRaftStateSeen, peer.Persister.RaftStateSize);
        }

        foreach (var m in ready.MessagesAfterPersist)
        {
            Send(peer.Index, peer.Incarnation, m);
        }

        if (ready.SnapshotToApply is { } snapshot)
        {
            ApplySnapshot(peer, snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            ApplyEntry(peer, entry);
        }

        ServeReads(peer, ready.ReadStates);
        node.Advance(ready);
        if (_options.MaxRaftState > 0 && peer.Persister.RaftStateSize >= _options.MaxRaftState && peer.LastApplied > node.LastIncludedIndex)
        {
            SnapshotsTaken++;
            node.Snapshot(peer.LastApplied, peer.Store.Snapshot());
        }
    }

    private static void ServeReads(KvPeer peer, IReadOnlyList<ReadState> confirmed)
    {
        foreach (var read in confirmed)
        {
            if (read.Succeeded)
            {
                peer.ReadsToServe.Enqueue(read.RequestId, read.Index);
            }
            else if (peer.Reads.Remove(read.RequestId, out var failed))
            {
                failed.Reply(KvClientReply.WrongLeader(null));
            }
        }

        while (peer.ReadsToServe.TryPeek(out var id, out var index) && index <= peer.LastApplied)
        {
            peer.ReadsToServe.Dequeue();
            if (peer.Reads.Remove(id, out var read))
            {
                read.Reply(new KvClientReply(KvReply.Ok(peer.Store.Read(read.Key) ?? string.Empty), null));
            }
        }
    }

    private void ApplySnapshot(KvPeer peer, RaftSnapshot snapshot)
    {
        if (snapshot.LastIncludedIndex <= peer.LastApplied)
        {
            throw Fail($"server {peer.Index} handed snapshot {snapshot.LastIncludedIndex} at or below applied {peer.LastApplied}");
        }

        SnapshotsInstalled++;
        peer.Store.Restore(snapshot.Data);
        peer.LastApplied = snapshot.LastIncludedIndex;
        foreach (var index in peer.Waiters.Keys.Where(k => k <= snapshot.LastIncludedIndex).ToList())
        {
            peer.Waiters.Remove(index, out var waiter);
            waiter!.Reply(KvClientReply.WrongLeader(null));
        }
    }

    private void ApplyEntry(KvPeer peer, LogEntry entry)
    {
        if (entry.Index != peer.LastApplied + 1)
        {
            throw Fail($"server {peer.Index} applies index {entry.Index} after {peer.LastApplied}");
        }

        peer.LastApplied = entry.Index;
        peer.Waiters.Remove(entry.Index, out var waiter);
        if (entry.Kind != LogEntryKind.Command)
        {
            waiter?.Reply(KvClientReply.WrongLeader(null));
            return;
        }

        var command = KvCommand.Decode(entry.Command);
        var reply = peer.Store.Apply(command);
        if (waiter is not null)
        {
            // Another command at the index this server proposed ours at: ours was lost with a leadership change.
            waiter.Reply(waiter.ClientId == command.ClientId && waiter.Sequence == command.Sequence
                ? new KvClientReply(reply, null)
                : KvClientReply.WrongLeader(null));
        }
    }

    // ------------------------------------------------------------------------------------------- the network

    private void Send(int from, int fromIncarnation, RaftMessage m)
    {
        Messages++;
        var to = _indexOf[m.To];
        if (!Connected(from, fromIncarnation, to) || Lost())
        {
            return;
        }

        var delay = Delay();
        if (LongReordering && _netRng.Next(10) == 0)
        {
            delay += 200 + _netRng.Next(2_000);
        }

        var toIncarnation = Peers[to].Incarnation;
        Sim.After(delay, () =>
        {
            var target = Peers[to];
            if (target.Incarnation == toIncarnation && target.Node is { } node && target.Group == Peers[from].Group)
            {
                node.Step(m);
                Drain(to);
            }
        });
    }

    private bool Connected(int from, int fromIncarnation, int to) =>
        Peers[from].Incarnation == fromIncarnation && Peers[from].Alive && Peers[to].Alive && Peers[from].Group == Peers[to].Group;

    private bool Lost() => Unreliable && _netRng.Next(10) == 0;

    private long Delay() => Unreliable ? _netRng.Next(27) : _netRng.Next(3);
}
