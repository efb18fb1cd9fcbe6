using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue;
using RaftOrleans.KeyValue.Service;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// One seeded run of a key/value group on production peers (<see cref="PeerNetwork"/>) while activations are
/// duplicated (a new one claims a peer whose old one goes on running, and senders route to either), stopped and
/// restarted, the network partitions and loses messages; three clerks write and read throughout. Election safety is
/// checked at every tick, and the clerks' history by the linearizability checker at the end.
/// </summary>
internal sealed class DuplicateActivationSoak
{
    private const int Keys = 3;
    private const int Clerks = 3;
    private const int FaultTicks = 600;
    private const int QuietTicks = 300;

    /// <summary>An attempt not answered within this many ticks is given up and the request sent again (same sequence number).</summary>
    private const int AttemptTicks = 30;

    private readonly Random _rng;
    private readonly Dictionary<(PeerNetwork.Activation From, string To), PeerNetwork.Activation> _routes = [];
    private readonly Dictionary<PeerNetwork.Activation, int> _side = [];
    private readonly Dictionary<long, string> _leaders = [];
    private readonly HistoryRecorder<KvInput, KvOutput> _history;
    private PeerNetwork _net = null!;
    private long _tick;
    private bool _partitioned;
    private double _loss;

    public DuplicateActivationSoak(int seed)
    {
        _rng = new Random(seed);
        _history = new HistoryRecorder<KvInput, KvOutput>(() => _tick);
    }

    public int Duplicates { get; private set; }

    public int Completed => _history.History().Count(o => o.Completed);

    /// <returns>Null when safe; otherwise what went wrong.</returns>
    public string? Run()
    {
        _net = new PeerNetwork(() => new KeyValueStateMachine(new KvLimits()), "n1", "n2", "n3");
        _net.Options.SnapshotEveryEntries = 25;
        _net.Options.SnapshotAfterBytes = 0;
        _net.Options.SnapshotLogToStateRatio = 0;

        _net.Route = Route;
        foreach (var id in _net.Group.PeerIds)
        {
            Started(_net.Start(id));
        }

        var clerks = Enumerable.Range(0, Clerks).Select(i => new Clerk(this, i)).ToArray();
        for (_tick = 0; _tick < FaultTicks + QuietTicks; _tick++)
        {
            if (_tick < FaultTicks)
            {
                Fault();
            }
            else if (_tick == FaultTicks)
            {
                _partitioned = false;
                _loss = 0;
                RestartMissingPeers();
            }

            foreach (var clerk in clerks)
            {
                clerk.Step();
            }

            _net.Tick();
            if (ElectionSafety() is { } violation)
            {
                return violation;
            }
        }

        var check = KvModel.Check(_history.History(), new CheckOptions { Timeout = TimeSpan.FromSeconds(20) });
        return check.Outcome == CheckOutcome.Illegal ? $"not linearizable ({_history.Count} operations): {check.Explanation}" : null;
    }

    private void Started(PeerNetwork.Activation activation) => _side[activation] = _partitioned ? _rng.Next(2) : 0;

    private void Fault()
    {
        var roll = _rng.NextDouble();
        if (roll < 0.006)
        {
            Duplicates++;
            Started(_net.Start(_net.Group.PeerIds[_rng.Next(_net.Group.PeerIds.Count)]));
        }
        else if (roll < 0.012 && _net.Running.FirstOrDefault(a => a.IsLeader) is { } leader
            && _net.Running.Where(a => a.Id != leader.Id).ToList() is { Count: > 0 } followers)
        {
            // The paused silo that resumes: a follower's new activation takes its place on the far side of a
            // partition, while its old one goes on with the leader.
            Duplicates++;
            var old = followers[_rng.Next(followers.Count)];
            var fresh = _net.Start(old.Id);
            _partitioned = true;
            foreach (var activation in _net.All)
            {
                _side[activation] = activation == leader || activation == old ? 0 : 1;
            }

            _side[fresh] = 1;
        }
        else if (roll < 0.018 && _net.Running.ToList() is { Count: > 0 } running)
        {
            running[_rng.Next(running.Count)].Peer.Stop("crashed by the soak");
        }
        else if (roll < 0.028)
        {
            _partitioned = true;
            foreach (var activation in _net.All)
            {
                _side[activation] = _rng.Next(2);
            }
        }
        else if (roll < 0.045)
        {
            _partitioned = false;
        }
        else if (roll < 0.055)
        {
            _loss = _rng.NextDouble() < 0.5 ? 0 : 0.2;
        }

        if (_tick % 40 == 0)
        {
            RestartMissingPeers();
        }
    }

    private void RestartMissingPeers()
    {
        foreach (var id in _net.Group.PeerIds.Where(id => !_net.Running.Any(a => a.Id == id)))
        {
            Started(_net.Start(id));
        }
    }

    /// <summary>A sender keeps reaching the same activation of a peer while it runs; when several run, which one is chance.</summary>
    private PeerNetwork.Activation? Route(PeerNetwork.Activation from, string to)
    {
        if (_rng.NextDouble() < _loss)
        {
            return null;
        }

        var side = _partitioned ? _side[from] : 0;
        var reachable = _net.Running.Where(a => a.Id == to && (!_partitioned || _side[a] == side)).ToList();
        if (reachable.Count == 0)
        {
            return null;
        }

        if (!_routes.TryGetValue((from, to), out var target) || !reachable.Contains(target))
        {
            _routes[(from, to)] = target = reachable[_rng.Next(reachable.Count)];
        }

        return target;
    }

    /// <summary>§5.2: at most one peer leads a term.</summary>
    private string? ElectionSafety()
    {
        foreach (var activation in _net.Running.Where(a => a.IsLeader))
        {
            var term = activation.Peer.Node.CurrentTerm;
            if (_leaders.TryGetValue(term, out var other) && other != activation.Id)
            {
                return $"two leaders of term {term}: {other} and {activation.Id} (tick {_tick}): {_net.Describe()}";
            }

            _leaders[term] = activation.Id;
        }

        return null;
    }

    /// <summary>One client with one request at a time, retried (with its sequence number) until a leader answers.</summary>
    private sealed class Clerk(DuplicateActivationSoak soak, int id)
    {
        private readonly Guid _client = Guid.NewGuid();
        private long _sequence;
        private (int Handle, KvCommand Command, bool Read)? _request;
        private Task<byte[]>? _attempt;
        private long _sentAt;
        private string? _leader;
        private int _values;

        public void Step()
        {
            if (_request is not { } request)
            {
                if (soak._tick < FaultTicks)
                {
                    Begin();
                }

                return;
            }

            if (_attempt is { IsCompletedSuccessfully: true } answered)
            {
                var reply = KvReply.Decode(answered.Result);
                soak._history.Complete(request.Handle, new KvOutput(request.Command.Operation == KvOperation.Get ? reply.Value : string.Empty));
                _request = null;
                _attempt = null;
                return;
            }

            if (_attempt is null or { IsFaulted: true } || soak._tick - _sentAt > AttemptTicks)
            {
                if (_attempt?.Exception?.InnerException is NotLeaderException { LeaderHint: { } hint })
                {
                    _leader = hint;
                }
                else if (_attempt is not null)
                {
                    _leader = null;
                }

                Send(request);
            }
        }

        private void Begin()
        {
            var key = $"k{soak._rng.Next(Keys)}";
            var value = $"c{id}-{++_values}";
            (KvInput Input, KvCommand Command, bool Read) request = soak._rng.Next(4) switch
            {
                0 or 1 => (KvInput.Get(key), new KvCommand(KvOperation.Get, key, string.Empty, _client, 0), true),
                2 => (KvInput.Put(key, value), new KvCommand(KvOperation.Put, key, value, _client, ++_sequence), false),
                _ => (KvInput.Append(key, value), new KvCommand(KvOperation.Append, key, value, _client, ++_sequence), false),
            };
            _request = (soak._history.Invoke(id, request.Input), request.Command, request.Read);
            Send(_request.Value);
        }

        private void Send((int Handle, KvCommand Command, bool Read) request)
        {
            _sentAt = soak._tick;
            // Clients reach every silo, whatever splits the peers: an attempt goes to the leader last named, or now and
            // then to any activation (another gateway, another relay).
            var running = soak._net.Running.ToList();
            var target = (soak._rng.NextDouble() < 0.3 ? null : running.Where(a => a.Id == _leader).OrderBy(_ => soak._rng.Next()).FirstOrDefault())
                ?? (running.Count > 0 ? running[soak._rng.Next(running.Count)] : null);
            if (target is null)
            {
                _attempt = null;
                return;
            }

            var bytes = request.Command.Encode();
            try
            {
                _attempt = request.Read ? target.Peer.QueryAsync(bytes) : target.Peer.ExecuteAsync(bytes);
            }
            catch (Exception exception)
            {
                _attempt = Task.FromException<byte[]>(exception);
            }

            // Seen later, not awaited: its fault is read from the task.
            _ = _attempt.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }
}
