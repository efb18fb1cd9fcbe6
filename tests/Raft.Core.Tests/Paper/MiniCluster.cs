using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Paper;

/// <summary>
/// A tiny synchronous harness for unit tests of single paper claims (etcd's raft_paper_test.go style): messages are
/// queued and delivered in order on demand, links can be cut, every Ready is persisted (in memory) and applied.
/// </summary>
internal sealed class MiniCluster
{
    private readonly Queue<RaftMessage> _queue = new();
    private readonly HashSet<string> _isolated = [];
    private readonly HashSet<(string, string)> _cut = [];
    private readonly Func<RaftMessage, bool>? _drop;
    private readonly Func<RaftConfig, RaftConfig>? _configure;
    private readonly int _seed;

    public MiniCluster(int n, Func<RaftConfig, RaftConfig>? configure = null, int seed = 1, Func<RaftMessage, bool>? drop = null)
    {
        _drop = drop;
        _configure = configure;
        _seed = seed;
        Founders = [.. Enumerable.Range(1, n).Select(i => $"n{i}")];
        Ids = [.. Founders];
        foreach (var id in Ids)
        {
            Start(id);
        }
    }

    /// <summary>The group's initial voters.</summary>
    public IReadOnlyList<string> Founders { get; }

    public List<string> Ids { get; }

    public Dictionary<string, RaftNode> Nodes { get; } = [];

    public Dictionary<string, List<LogEntry>> Applied { get; } = [];

    /// <summary>Read states each node's Readies handed out, in order.</summary>
    public Dictionary<string, List<ReadState>> Reads { get; } = [];

    /// <summary>Every message ever produced, in order (for counting).</summary>
    public List<RaftMessage> Sent { get; } = [];

    public RaftNode this[string id] => Nodes[id];

    public void Isolate(string id) => _isolated.Add(id);

    public void Heal()
    {
        _isolated.Clear();
        _cut.Clear();
    }

    /// <summary>Drops the messages between <paramref name="a"/> and <paramref name="b"/>, both ways.</summary>
    public void Cut(string a, string b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    /// <summary>Starts a peer that is not one of the founders (it joins: it learns the configuration from the leader).</summary>
    public RaftNode Join(string id)
    {
        Ids.Add(id);
        return Start(id);
    }

    /// <summary>Restarts <paramref name="id"/> from what it persisted: its snapshot (if <paramref name="snapshot"/>) and log.</summary>
    public RaftNode Restart(string id, RaftSnapshot? snapshot = null)
    {
        var old = Nodes[id];
        var from = snapshot?.LastIncludedIndex ?? 0;
        var entries = Enumerable.Range((int)Math.Max(old.FirstIndex, from + 1), (int)(old.LastIndex - Math.Max(old.FirstIndex, from + 1) + 1))
            .Select(i => old.EntryAt(i)).ToList();
        Applied[id].Clear(); // it applies again from its snapshot
        return Start(id, new HardState(old.CurrentTerm, old.VotedFor), snapshot, entries);
    }

    private RaftNode Start(string id, HardState? hardState = null, RaftSnapshot? snapshot = null, IReadOnlyList<LogEntry>? entries = null)
    {
        var config = new RaftConfig { SelfId = id, PeerIds = Founders, ElectionTicks = 10, HeartbeatTicks = 2, LeaderNoOp = false };
        config = _configure?.Invoke(config) ?? config;
        var node = new RaftNode(config, new Random(_seed * 97 + Ids.IndexOf(id)), hardState ?? HardState.Initial, snapshot, entries ?? []);
        Nodes[id] = node;
        Applied.TryAdd(id, []);
        Reads.TryAdd(id, []);
        return node;
    }

    /// <summary>Runs the Ready loop of one node and queues its messages.</summary>
    public void Process(string id)
    {
        var node = Nodes[id];
        while (node.HasReady)
        {
            var ready = node.GetReady();
            foreach (var m in ready.Messages.Concat(ready.MessagesAfterPersist))
            {
                Sent.Add(m);
                _queue.Enqueue(m);
            }

            Applied[id].AddRange(ready.CommittedEntries);
            Reads[id].AddRange(ready.ReadStates);
            node.Advance(ready);
        }
    }

    /// <summary>Delivers queued messages (and those they cause) until the network is quiet.</summary>
    public void Deliver(int maxMessages = 100_000)
    {
        foreach (var id in Ids)
        {
            Process(id);
        }

        var delivered = 0;
        while (_queue.TryDequeue(out var m) && delivered++ < maxMessages)
        {
            if (_isolated.Contains(m.From) || _isolated.Contains(m.To) || _cut.Contains((m.From, m.To)) || !Nodes.ContainsKey(m.To) || (_drop?.Invoke(m) ?? false))
            {
                continue;
            }

            Nodes[m.To].Step(m);
            Process(m.To);
        }
    }

    public void Tick(string id, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Nodes[id].Tick();
            Deliver();
        }
    }

    public void TickAll(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            foreach (var id in Ids)
            {
                Nodes[id].Tick();
            }

            Deliver();
        }
    }

    /// <summary>Ticks only <paramref name="id"/> until it leads (its timeout fires first, so it wins the election).</summary>
    public string Elect(string id)
    {
        for (var i = 0; i < 100 && !Nodes[id].GetState().IsLeader; i++)
        {
            Tick(id);
        }

        Assert.True(Nodes[id].GetState().IsLeader, $"{id} did not become leader");
        return id;
    }

    public ProposeResult Propose(string id, string command)
    {
        var result = Nodes[id].Propose(Encoding.UTF8.GetBytes(command));
        Deliver();
        return result;
    }
}
