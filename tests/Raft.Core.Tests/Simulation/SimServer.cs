namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>One server slot of the simulated cluster: the live incarnation (if any), its storage and its wiring.</summary>
public sealed class SimServer
{
    public SimServer(int index, string id)
    {
        Index = index;
        Id = id;
    }

    public int Index { get; }

    public string Id { get; }

    /// <summary>The running peer's core, or null while crashed.</summary>
    public RaftNode? Node { get; set; }

    /// <summary><see cref="LabHost.Peer"/>: the production peer hosting <see cref="Node"/>.</summary>
    internal RaftOrleans.Raft.Peer.RaftPeer? Peer { get; set; }

    /// <summary><see cref="LabHost.Peer"/>: the server's durable store, kept across crashes.</summary>
    public SimRaftStorage? Storage { get; set; }

    /// <summary><see cref="LabHost.Peer"/>: terms of the entries handed out for applying, by index.</summary>
    public Dictionary<long, long> CommitTerms { get; } = [];

    /// <summary>Down because the harness crashed it at a save; it boots again by itself.</summary>
    public bool CrashedAtSave { get; set; }

    /// <summary>Where the scenario wants the server (connected or not): an injected crash does not change it.</summary>
    public bool WantConnected { get; set; }

    /// <summary>Bumped on every crash and restart: messages and timers of an older incarnation are dropped.</summary>
    public int Incarnation { get; set; }

    public Persister Persister { get; set; } = new();

    /// <summary>In the lab's sense: part of the one group of servers that can talk to each other.</summary>
    public bool Connected { get; set; }

    /// <summary>RPCs delivered into this server's dispatcher (the lab's rpcCount(i)).</summary>
    public long DeliveredRpcs { get; set; }

    /// <summary>The snapshot applier's local lastApplied (reset on restart, as the lab's applier goroutine).</summary>
    public long ApplierLastApplied { get; set; }

    /// <summary>A drain of the node's Ready is already scheduled for the current instant.</summary>
    public bool DrainScheduled { get; set; }

    /// <summary>
    /// A Ready is being persisted asynchronously: like a non-reentrant grain awaiting its storage, the server handles
    /// nothing else meanwhile; arriving messages and timer ticks wait in <see cref="Inbox"/>.
    /// </summary>
    public bool Persisting { get; set; }

    /// <summary>Work that arrived while <see cref="Persisting"/>, run in order afterwards.</summary>
    public Queue<Action> Inbox { get; } = new();

    /// <summary>Last (term, role) seen by the invariant checker.</summary>
    public (long Term, bool Leader) LastSeen { get; set; }
}
