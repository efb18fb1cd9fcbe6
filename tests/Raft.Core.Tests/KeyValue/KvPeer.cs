using RaftOrleans.KeyValue;
using RaftOrleans.Raft.Core.Tests.Simulation;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>One simulated key/value server: a Raft peer, its storage, and the store its applier feeds.</summary>
public sealed class KvPeer(int index, string id, KvLimits limits)
{
    public int Index { get; } = index;

    public string Id { get; } = id;

    /// <summary>The running Raft peer, or null while crashed.</summary>
    public RaftNode? Node { get; set; }

    /// <summary>Bumped on every crash and restart: timers and messages of an older incarnation are dropped.</summary>
    public int Incarnation { get; set; }

    public Persister Persister { get; set; } = new();

    public KeyValueStore Store { get; set; } = new(limits);

    /// <summary>Highest index applied to <see cref="Store"/> (snapshot or entry).</summary>
    public long LastApplied { get; set; }

    /// <summary>Servers talk only within the same group (a partition is two groups).</summary>
    public int Group { get; set; }

    /// <summary>Client requests proposed here, by log index, waiting for that index to be applied.</summary>
    public Dictionary<long, Waiter> Waiters { get; } = [];

    /// <summary>Gets taken as ReadIndex reads (thesis §6.4), by request id: the key and who to answer.</summary>
    public Dictionary<long, (string Key, Action<KvClientReply> Reply)> Reads { get; } = [];

    /// <summary>Reads the core confirmed, by request id, waiting until <see cref="LastApplied"/> reaches their index.</summary>
    public PriorityQueue<long, long> ReadsToServe { get; } = new();

    /// <summary>A Ready is being persisted asynchronously; the next one waits.</summary>
    public bool Persisting { get; set; }

    public bool Alive => Node is not null;

    public sealed record Waiter(Guid ClientId, long Sequence, long Term, Action<KvClientReply> Reply);
}

/// <summary>A server's answer to a clerk: the reply of the applied command, or "not the leader" with a hint.</summary>
public sealed record KvClientReply(KvReply? Reply, string? LeaderHint)
{
    public static KvClientReply WrongLeader(string? hint) => new(null, hint);
}
