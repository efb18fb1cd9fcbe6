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
    private readonly Func<RaftMessage, bool>? _drop;

    public MiniCluster(int n, Func<RaftConfig, RaftConfig>? configure = null, int seed = 1, Func<RaftMessage, bool>? drop = null)
    {
        _drop = drop;
        Ids = [.. Enumerable.Range(1, n).Select(i => $"n{i}")];
        foreach (var id in Ids)
        {
            var config = new RaftConfig { SelfId = id, PeerIds = Ids, ElectionTicks = 10, HeartbeatTicks = 2, LeaderNoOp = false };
            config = configure?.Invoke(config) ?? config;
            Nodes[id] = new RaftNode(config, new Random(seed * 97 + Ids.IndexOf(id)));
            Applied[id] = [];
            Reads[id] = [];
        }
    }

    public List<string> Ids { get; }

    public Dictionary<string, RaftNode> Nodes { get; } = [];

    public Dictionary<string, List<LogEntry>> Applied { get; } = [];

    /// <summary>Read states each node's Readies handed out, in order.</summary>
    public Dictionary<string, List<ReadState>> Reads { get; } = [];

    /// <summary>Every message ever produced, in order (for counting).</summary>
    public List<RaftMessage> Sent { get; } = [];

    public RaftNode this[string id] => Nodes[id];

    public void Isolate(string id) => _isolated.Add(id);

    public void Heal() => _isolated.Clear();

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
            if (_isolated.Contains(m.From) || _isolated.Contains(m.To) || (_drop?.Invoke(m) ?? false))
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
