using System.Globalization;
using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// The simulated counterpart of the lab's config.go: servers, a labrpc-like network, crash/restart with persisted
/// state, the appliers with their agreement and order checks, and the invariant checkers that run after every step.
/// Everything happens in virtual time driven by <see cref="Sim"/>; all randomness comes from the seed.
/// </summary>
public sealed partial class LabConfig
{
    private readonly ITestOutputHelper? _output;
    private readonly LabOptions _options;
    private readonly Random _rng;
    private readonly Random _netRng;
    private readonly Dictionary<string, int> _indexOf = [];

    /// <summary>Per server: the applied history (index to value) the tester keeps across restarts (cfg.logs).</summary>
    private readonly Dictionary<long, string>[] _logs;

    private string _testName = "";
    private long _t0;
    private long _rpcs0;
    private long _bytes0;
    private long _maxIndex0;

    public LabConfig(int n, bool unreliable, bool snapshot, int seed, ITestOutputHelper? output = null, LabOptions? options = null)
    {
        N = n;
        Seed = seed;
        SnapshotMode = snapshot;
        _output = output;
        _options = options ?? LabOptions.Lab;
        _rng = new Random(seed);
        _netRng = new Random(unchecked((seed * 31) + 17));
        Unreliable = unreliable;
        Servers = new SimServer[n];
        _logs = new Dictionary<long, string>[n];
        PeerIds = [.. Enumerable.Range(0, n).Select(i => $"s{i}")];
        for (var i = 0; i < n; i++)
        {
            Servers[i] = new SimServer(i, PeerIds[i]);
            _indexOf[PeerIds[i]] = i;
            _logs[i] = [];
        }

        for (var i = 0; i < n; i++)
        {
            Start1(i);
        }

        for (var i = 0; i < n; i++)
        {
            Connect(i);
        }
    }

    public int N { get; }

    public int Seed { get; }

    public bool SnapshotMode { get; }

    /// <summary>0: the host persists synchronously. Otherwise each persist takes 1..PersistLatencyMs ms of virtual time.</summary>
    public int PersistLatencyMs { get; set; }

    public Simulator Sim { get; } = new();

    /// <summary><see cref="Sim"/>'s clock, for the production peer host.</summary>
    public TimeProvider Clock => _clock ??= new SimTime(Sim);

    private TimeProvider? _clock;

    public SimServer[] Servers { get; }

    public IReadOnlyList<string> PeerIds { get; }

    /// <summary>The group's initial voters (<see cref="LabOptions.Founders"/>).</summary>
    public IReadOnlyList<string> Founders => _options.Founders is { } k ? [.. PeerIds.Take(k)] : PeerIds;

    /// <summary>The tester's random source (lab tests draw commands and victims from it).</summary>
    public Random Rand => _rng;

    /// <summary>Snapshots handed to an applier by InstallSnapshot.</summary>
    public long SnapshotsInstalled { get; private set; }

    /// <summary>Highest index committed as seen by the appliers (cfg.maxIndex).</summary>
    public long MaxIndex { get; private set; }

    /// <summary>Throws a test failure that names the seed.</summary>
    public RaftTestException Fail(string message, Exception? inner = null) =>
        inner is null
            ? new($"[{_testName} seed={Seed} t={Sim.Now}ms] {message}")
            : new($"[{_testName} seed={Seed} t={Sim.Now}ms] {message}", inner);

    public void Log(string message) => _output?.WriteLine(message);

    // ---------------------------------------------------------------- server control (crash1 / start1 / connect)

    /// <summary>crash1: disconnect, drop the server from the network, keep a copy of its persisted state.</summary>
    public void Crash1(int i)
    {
        Disconnect(i);
        Kill(i);
    }

    /// <summary>start1: (crash and) start a fresh incarnation from a copy of the persisted state; not connected.</summary>
    public void Start1(int i)
    {
        Crash1(i);
        Boot(i);
    }

    public void Connect(int i) => Servers[i].Connected = Servers[i].WantConnected = true;

    public void Disconnect(int i) => Servers[i].Connected = Servers[i].WantConnected = false;

    public bool IsAlive(int i) => Servers[i].Node is not null;

    public (long Term, bool IsLeader) GetState(int i)
    {
        var state = Servers[i].Node!.GetState();
        return (state.Term, state.IsLeader);
    }

    /// <summary>Start(command) on server i, directly (not through the network), as the tester does.</summary>
    public (long Index, long Term, bool Ok) Start(int i, string command)
    {
        var server = Servers[i];
        if (server.Node is not { } node)
        {
            // A server the harness crashed at a save is down for a moment: it is not the leader.
            return server.CrashedAtSave ? (0, 0, false) : throw Fail($"Start on dead server {i}");
        }

        var bytes = Encoding.UTF8.GetBytes(command);
        if (server.Peer is { } peer)
        {
            var started = peer.Start(bytes);
            CheckPeer(i, peer);
            return (started.Index, started.Term, started.Accepted);
        }

        var result = node.Propose(bytes);
        if (result.Accepted)
        {
            ScheduleDrain(i);
        }

        return (result.Index, result.Term, result.Accepted);
    }

    /// <summary>Server i, if it leads, hands leadership to server <paramref name="to"/> (thesis §3.10), directly, as Start does.</summary>
    public void TransferLeadership(int i, int to)
    {
        var server = Servers[i];
        if (server.Node is not { } node)
        {
            return;
        }

        if (server.Peer is { } peer)
        {
            peer.TransferLeadership(PeerIds[to]);
            CheckPeer(i, peer);
        }
        else if (node.TransferLeadership(PeerIds[to]))
        {
            ScheduleDrain(i);
        }
    }

    /// <summary>Server i, if it leads, starts a membership change, directly, as Start does.</summary>
    public MembershipChangeResult ChangeMembership(int i, MembershipChange change)
    {
        var server = Servers[i];
        if (server.Node is not { } node)
        {
            return default;
        }

        if (server.Peer is { } peer)
        {
            var (result, _) = peer.ProposeMembership(change);
            CheckPeer(i, peer);
            return result;
        }

        var proposed = node.ProposeMembership(change);
        if (proposed.Accepted)
        {
            ScheduleDrain(i);
        }

        return proposed;
    }

    /// <summary>The configuration server i has in force (null when it is down).</summary>
    public Membership? MembershipOf(int i) => Servers[i].Node?.Membership;

    /// <summary>Ends the server's incarnation; its storage stays. Returns the incarnation number that follows.</summary>
    private int Kill(int i)
    {
        var server = Servers[i];
        server.Incarnation++;
        server.Node = null;
        server.Peer?.Stop("the server crashed");
        server.Peer = null;
        server.DrainScheduled = false;
        server.Persisting = false;
        server.Inbox.Clear();

        // The killed incarnation can never write again: it no longer exists, and the slot gets a fresh copy.
        server.Persister = server.Persister.Copy();
        return server.Incarnation;
    }

    /// <summary>Starts a fresh incarnation of a dead server from what its storage holds.</summary>
    private void Boot(int i)
    {
        var server = Servers[i];
        server.CrashedAtSave = false;
        var random = new Random(unchecked((Seed * 1_000_003) + (i * 7919) + (server.Incarnation * 104_729)));
        if (_options.Host == LabHost.Peer)
        {
            BootPeer(i, random);
        }
        else
        {
            server.Persister = server.Persister.Copy();
            var p = server.Persister;
            var config = _options.ToRaftOptions(SnapshotMode).ToCoreConfig(server.Id, Founders);
            server.Node = new RaftNode(config, random, p.HardState, p.Snapshot, p.Log);
        }

        server.ApplierLastApplied = 0;
        server.LastSeen = (server.Node!.CurrentTerm, false);
        var incarnation = server.Incarnation;
        Sim.After(_netRng.Next(LabTiming.TickMs), () => TickLoop(i, incarnation));
    }

    public static string Cmd(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void TickLoop(int i, int incarnation)
    {
        var server = Servers[i];
        if (server.Incarnation != incarnation || server.Node is null)
        {
            return;
        }

        var node = server.Node;
        if (server.Peer is { } peer)
        {
            Guard(peer.Tick);
            CheckPeer(i, peer);
        }
        else
        {
            RunOrQueue(i, () =>
            {
                Guard(node.Tick);
                Drain(i, null);
            });
        }

        Sim.After(LabTiming.TickMs, () => TickLoop(i, incarnation));
    }

    /// <summary>Runs <paramref name="work"/> now, or after the asynchronous persist in progress (same incarnation only).</summary>
    private void RunOrQueue(int i, Action work)
    {
        var server = Servers[i];
        if (!server.Persisting)
        {
            work();
            return;
        }

        var incarnation = server.Incarnation;
        server.Inbox.Enqueue(() =>
        {
            if (server.Incarnation == incarnation && server.Node is not null)
            {
                work();
            }
        });
    }

    private void RunInbox(int i)
    {
        var server = Servers[i];
        while (!server.Persisting && server.Inbox.TryDequeue(out var work))
        {
            work();
        }
    }

    private void ScheduleDrain(int i)
    {
        var server = Servers[i];
        if (server.DrainScheduled)
        {
            return;
        }

        server.DrainScheduled = true;
        var incarnation = server.Incarnation;
        Sim.After(0, () =>
        {
            if (server.Incarnation == incarnation && server.Node is not null)
            {
                server.DrainScheduled = false;
                if (!server.Persisting)
                {
                    Drain(i, null);
                }
            }
        });
    }

    /// <summary>
    /// The host's Ready loop: persist, send (the "after persist" messages only once persisted), apply, Advance.
    /// <paramref name="call"/> is the RPC being handled, to which a response is the reply. With
    /// <see cref="PersistLatencyMs"/> &gt; 0 the persist completes later (a crash meanwhile loses it) and the
    /// server handles nothing else until then; Ready.Messages leave before the persist, as the contract allows.
    /// </summary>
    private void Drain(int i, Call? call)
    {
        var server = Servers[i];
        var node = server.Node!;
        var incarnation = server.Incarnation;
        while (!server.Persisting && node.HasReady)
        {
            var ready = Guard(node.GetReady);
            CheckNewEntries(i, node, ready);
            foreach (var m in ready.Messages)
            {
                Dispatch(i, incarnation, m, call);
            }

            if (PersistLatencyMs > 0 && ready.MustPersist)
            {
                server.Persisting = true;
                Sim.After(1 + _netRng.Next(PersistLatencyMs), () =>
                {
                    if (server.Incarnation != incarnation || server.Node is null)
                    {
                        // Crashed while persisting: the write never happened and nothing after it was sent.
                        return;
                    }

                    server.Persisting = false;
                    CompleteReady(i, node, ready, call);
                    Drain(i, null);
                    RunInbox(i);
                });
                return;
            }

            CompleteReady(i, node, ready, call);
        }

        if (!server.Persisting)
        {
            CheckNodeInvariants(i, node);
        }
    }

    private void CompleteReady(int i, RaftNode node, Ready ready, Call? call)
    {
        var server = Servers[i];
        if (server.Persister.Save(ready) is { } error)
        {
            throw Fail($"server {i} Ready contract violated: {error}");
        }

        foreach (var m in ready.MessagesAfterPersist)
        {
            Dispatch(i, server.Incarnation, m, call);
        }

        if (ready.SnapshotToApply is { } snapshot)
        {
            ApplySnapshot(i, snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            ApplyEntry(i, node, entry);
        }

        Guard(() => node.Advance(ready));
    }

    private void ApplySnapshot(int i, RaftSnapshot snapshot) =>
        ApplySnapshotValue(i, snapshot.LastIncludedIndex, Encoding.UTF8.GetString(snapshot.Data));

    private void ApplySnapshotValue(int i, long index, string value)
    {
        CheckAgreement(i, index, value);

        // CondInstallSnapshot always accepts a newer snapshot: the history becomes {index: value}.
        SnapshotsInstalled++;
        _logs[i] = new Dictionary<long, string> { [index] = value };
        Servers[i].ApplierLastApplied = index;
        RecordCommitted(index, value, term: null);
    }

    private void ApplyEntry(int i, RaftNode node, LogEntry entry)
    {
        var value = entry.Kind != LogEntryKind.Command ? NoOpValue : Encoding.UTF8.GetString(entry.Command);
        if (ApplyValue(i, entry.Index, value, entry.Term) && SnapshotMode && (entry.Index + 1) % 10 == 0)
        {
            Guard(() => node.Snapshot(entry.Index, Encoding.UTF8.GetBytes(value)));
        }
    }

    /// <summary>The lab's applier: checks and records one applied value; false when the applier skips it.</summary>
    private bool ApplyValue(int i, long index, string value, long? term)
    {
        var server = Servers[i];
        if (SnapshotMode && index <= server.ApplierLastApplied)
        {
            return false;
        }

        CheckAgreement(i, index, value);
        if (index > 1 && !_logs[i].ContainsKey(index - 1))
        {
            throw Fail($"server {i} apply out of order {index}");
        }

        _logs[i][index] = value;
        MaxIndex = Math.Max(MaxIndex, index);
        RecordCommitted(index, value, term);
        server.ApplierLastApplied = index;
        return true;
    }

    /// <summary>State-machine safety: no server applies a different value at an index.</summary>
    private void CheckAgreement(int i, long index, string value)
    {
        for (var j = 0; j < N; j++)
        {
            if (_logs[j].TryGetValue(index, out var old) && old != value)
            {
                throw Fail($"commit index={index} server={i} {Short(value)} != server={j} {Short(old)}");
            }
        }

        if (_committed.TryGetValue(index, out var c) && c.Value != value)
        {
            throw Fail($"commit index={index} server={i} {Short(value)} != earlier committed {Short(c.Value)}");
        }
    }

    private static string Short(string s) => s.Length > 20 ? s[..20] + "..." : s;

    private T Guard<T>(Func<T> f)
    {
        try
        {
            return f();
        }
        catch (Exception e) when (e is not RaftTestException)
        {
            throw Fail($"core threw {e.GetType().Name}: {e.Message} {e.StackTrace}", e);
        }
    }

    private void Guard(Action f) => Guard(() =>
    {
        f();
        return 0;
    });
}
