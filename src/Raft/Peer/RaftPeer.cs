using Microsoft.Extensions.Logging;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Diagnostics;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Peer;

/// <summary>
/// One running Raft peer, whatever hosts it: it carries out the core's Ready loop (persist, send, apply, advance),
/// keeps the callers of <see cref="ExecuteAsync"/> waiting for their entries, and snapshots its state machine.
/// The grain hosts it (activation, timers, deactivation); the simulator drives the same class over its virtual
/// network and storage. Not thread-safe: one logical thread calls it, and its storage awaits resume there (a
/// grain's scheduler, or the simulator's synchronous completions). The loop touches the core only between
/// awaits, and re-reads term and role from it after each. One file per concern: this one the Ready loop and its
/// life cycle, <c>.Requests</c> the callers' commands and reads, <c>.Apply</c> the state machine, <c>.Snapshots</c>
/// compaction, <c>.Log</c> its log messages.
/// </summary>
internal sealed partial class RaftPeer
{
    private readonly RaftPeerStore _store;
    private readonly IRaftStateMachine _stateMachine;
    private readonly IRaftTransport _transport;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly KeyValuePair<string, object?> _groupTag;

    /// <summary>Commands proposed by <see cref="ExecuteAsync"/>, by log index, with the term they were appended in and when.</summary>
    private readonly Dictionary<long, (long Term, TaskCompletionSource<byte[]> Completion, long Started)> _waiters = [];

    /// <summary>Reads asked for and not yet answered, by request id.</summary>
    private readonly Dictionary<long, (byte[] Query, TaskCompletionSource<byte[]> Completion)> _reads = [];

    /// <summary>Callers of <see cref="WhenAsync"/> waiting for a condition on the peer's state.</summary>
    private readonly List<(Func<bool> Done, TaskCompletionSource Completion)> _conditions = [];

    /// <summary>Reads confirmed by the core, waiting until the state machine has applied up to their index.</summary>
    private readonly PriorityQueue<long, long> _readsToServe = new();

    private bool _pumping;
    private long _readIds;

    /// <summary>A snapshot is being captured and serialized, or <see cref="_serialized"/> waits to compact the log.</summary>
    private bool _snapshotting;

    /// <summary>A serialized snapshot and the index it covers, once its serialization finished during a save.</summary>
    private (long Index, byte[] Data)? _serialized;

    /// <summary>The highest index the state machine has applied (or restored a snapshot of).</summary>
    private long _appliedIndex;

    /// <summary>The term, role and leader last logged, to log each change once.</summary>
    private (long Term, RaftRole Role, string? Leader) _seen;

    private readonly SnapshotPolicy _snapshots;

    /// <summary>How long this activation may speak after its storage confirmed it the owner (<see cref="RaftOptions.OwnershipLease"/>).</summary>
    private readonly TimeSpan _lease;

    /// <summary>A lease renewal is out.</summary>
    private bool _renewing;

    /// <param name="data">What <paramref name="store"/> claimed: the peer's group and durable state.</param>
    public RaftPeer(
        RaftPeerStore store,
        RaftPeerData data,
        IRaftStateMachine stateMachine,
        IRaftTransport transport,
        RaftOptions options,
        Random random,
        TimeProvider time,
        ILogger logger)
    {
        Group = data.Group ?? throw new ArgumentException($"Raft peer '{store.Peer}' belongs to no group.", nameof(data));
        _store = store;
        _stateMachine = stateMachine;
        _transport = transport;
        _logger = logger;
        _time = time;
        _lease = options.OwnershipLease;
        _groupTag = new(RaftMetrics.GroupTag, Group.Name);
        var config = options.ToCoreConfig(SelfId(store.Peer, Group), Group.PeerIds);
        if (data.Snapshot is { } snapshot)
        {
            stateMachine.Restore(snapshot.LastIncludedIndex, snapshot.Data);
        }

        Node = new RaftNode(config, random, data.HardState, data.Snapshot, data.Entries);
        _snapshots = new SnapshotPolicy(options, data.Snapshot?.Data.Length ?? 0, SnapshotPolicy.Stagger(config.SelfId, Group.PeerIds));
        _appliedIndex = Node.LastApplied;
        _seen = (Node.CurrentTerm, Node.Role, Node.LeaderId);
        LogStarted(logger, Key, Node.CurrentTerm, Node.LastIndex, Node.LastIncludedIndex, store.Incarnation);
    }

    public RaftGroupConfig Group { get; }

    /// <summary>The core; hosts read it, and only this class drives it.</summary>
    public RaftNode Node { get; }

    public string Key => _store.Peer;

    public long Incarnation => _store.Incarnation;

    /// <summary>No Ready is being carried out: what storage holds is all the core handed out.</summary>
    public bool IsIdle => !_pumping;

    /// <summary>Why the storage refuses this peer's saves, while it does: new commands are refused at once.</summary>
    public RaftStorageUnavailableException? StorageFailure { get; private set; }

    /// <summary>Set once the peer stopped acting: it sends, acknowledges and applies nothing more.</summary>
    public bool IsStopped { get; private set; }

    /// <summary>Called once when the peer stops on its own (superseded, or its storage failed): the host drops it.</summary>
    public Action<Exception>? Stopped { get; set; }

    /// <summary>Sees every Ready as it is taken from the core (the simulator checks its invariants on them).</summary>
    public Action<Ready>? ReadyTaken { get; set; }

    /// <summary>Sees the committed entries taken from the core while a save is out, as <see cref="ReadyTaken"/> sees a Ready's.</summary>
    public Action<IReadOnlyList<LogEntry>>? CommittedTaken { get; set; }

    /// <summary>
    /// Runs a captured snapshot's serialization: inline by default (the simulator stays deterministic); a grain moves
    /// it off its scheduler, so that serializing a large state holds up neither heartbeats nor replies.
    /// </summary>
    public Func<Func<byte[]>, Task<byte[]>> SerializeSnapshot { get; init; } = SerializeInline;

    /// <summary>The peer id within its group, from its key <c>group/peer</c>.</summary>
    public static string SelfId(string key, RaftGroupConfig group) => key[(group.Name.Length + 1)..];

    public void Tick()
    {
        if (!IsStopped)
        {
            Node.Tick();
            ServeDuringSave();
            Pump();
        }
    }

    public void Deliver(IReadOnlyList<RaftMessage> messages)
    {
        if (IsStopped)
        {
            return;
        }

        foreach (var message in messages)
        {
            Node.Step(message);
        }

        ServeDuringSave();
        Pump();
    }

    /// <summary>
    /// Renews the ownership lease, or stops the peer if another activation claimed it (a follower taking empty
    /// heartbeats writes nothing, so only this finds out).
    /// </summary>
    public async Task CheckOwnershipAsync()
    {
        if (!IsStopped && !await _store.IsStillOwnerAsync() && !IsStopped)
        {
            Fail(new RaftStorageFencedException(Key, Incarnation));
        }
    }

    /// <summary>One question to the store at a time; with a store that answers at once, the lease is renewed on return.</summary>
    private void RenewLease()
    {
        if (_renewing || IsStopped)
        {
            return;
        }

        _renewing = true;
        _ = RenewLeaseAsync();
    }

    private async Task RenewLeaseAsync()
    {
        try
        {
            await CheckOwnershipAsync();
        }
        catch (Exception exception)
        {
            // The store did not answer: the peer stays silent, and the next send asks again.
            LogLeaseNotRenewed(_logger, exception, Key);
        }
        finally
        {
            _renewing = false;
        }
    }

    /// <summary>From now on the peer sends, acknowledges and applies nothing; waiting callers learn why.</summary>
    public void Stop(string why)
    {
        if (!IsStopped)
        {
            IsStopped = true;
            FailWaitersUpTo(long.MaxValue, why);
            FailReads(why);
            foreach (var (_, completion) in _conditions)
            {
                completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}' {why}."));
            }

            _conditions.Clear();
        }
    }

    private void Pump()
    {
        CheckConditions();
        var now = (Node.CurrentTerm, Node.Role, Node.LeaderId);
        if (now != _seen)
        {
            CountChanges(_seen, now);
            _seen = now;
            LogRoleChanged(_logger, Key, now.CurrentTerm, now.Role, now.LeaderId ?? "none");
        }

        if (!_pumping && !IsStopped && Node.HasReady)
        {
            _ = PumpAsync();
        }
    }

    /// <summary>
    /// The Ready loop: send, apply, persist, send what needs the write (acknowledgements, votes), advance. Committed
    /// entries are on a majority's disks already, so applying them and answering their clients waits for nothing of
    /// this peer's own save (§10.2.1); those committed during the save are applied as they commit.
    /// </summary>
    private async Task PumpAsync()
    {
        _pumping = true;
        try
        {
            while (!IsStopped && Node.HasReady)
            {
                var ready = Node.GetReady();
                ReadyTaken?.Invoke(ready);
                Send(ready.Messages);
                Apply(ready.SnapshotToApply, ready.CommittedEntries);
                ServeReads(ready.ReadStates);
                if (ready.MustPersist)
                {
                    var started = _time.GetTimestamp();
                    await SaveUntilWrittenAsync(ready);
                    RaftMetrics.SaveDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds, _groupTag);
                    RaftMetrics.SaveEntries.Record(ready.Entries.Count, _groupTag);
                    if (IsStopped)
                    {
                        return;
                    }
                }

                Send(ready.MessagesAfterPersist);
                Node.Advance(ready);
                CheckConditions();
                MaybeSnapshot();
                CompactToSerialized();
            }
        }
        catch (Exception exception)
        {
            // The core cannot take a Ready back: the peer must restart from what storage holds.
            Fail(exception);
        }
        finally
        {
            _pumping = false;
        }
    }

    /// <summary>
    /// Sends what the core produced, if this activation holds its ownership lease (<see cref="RaftPeerStore"/>);
    /// otherwise withholds it, as a lost message, and asks the store to renew the lease. Every vote, acknowledgement
    /// and read confirmation goes out here.
    /// </summary>
    /// <summary>
    /// Saves a Ready, again and again while the storage refuses it (a full disk, its Redis gone): the write changed
    /// nothing, and the core cannot take the Ready back. Meanwhile the peer goes on with what needs no write
    /// (<see cref="ServeDuringSave"/>: heartbeats, reads, applying what the others commit) and refuses new commands at
    /// once (<see cref="StorageFailure"/>), instead of stopping and taking nothing at all until the storage is back.
    /// </summary>
    private async Task SaveUntilWrittenAsync(Ready ready)
    {
        for (var pause = TimeSpan.FromMilliseconds(50); ; pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.TicksPerSecond)))
        {
            try
            {
                await _store.SaveAsync(ready);
                if (StorageFailure is not null)
                {
                    LogStorageBack(_logger, Key);
                    StorageFailure = null;
                    Node.StorageRefusing = false;
                }

                return;
            }
            catch (RaftStorageUnavailableException unavailable) when (!IsStopped)
            {
                if (StorageFailure is null)
                {
                    LogStorageUnavailable(_logger, unavailable, Key);
                }

                StorageFailure = unavailable;
                Node.StorageRefusing = true;
                RaftMetrics.SaveRetries.Add(1, _groupTag);
            }

            await Task.Delay(pause, _time);
            if (IsStopped)
            {
                return;
            }
        }
    }

    private void Send(IReadOnlyList<RaftMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (!_store.HoldsLease(_lease))
        {
            if (!_store.IsSilent(_lease))
            {
                RenewLease();
            }

            if (!_store.HoldsLease(_lease))
            {
                RaftMetrics.MessagesWithheld.Add(messages.Count, _groupTag);
                return;
            }
        }

        foreach (var batch in messages.GroupBy(m => m.To))
        {
            _transport.Send(batch.Key, [.. batch]);
        }

        foreach (var message in messages)
        {
            RaftMetrics.MessagesSent.Add(1, _groupTag, new(RaftMetrics.MessageTag, message.GetType().Name));
        }
    }

    private void CheckConditions()
    {
        for (var i = _conditions.Count - 1; i >= 0; i--)
        {
            if (_conditions[i].Done())
            {
                _conditions[i].Completion.TrySetResult();
                _conditions.RemoveAt(i);
            }
        }
    }

    private void CountChanges((long Term, RaftRole Role, string? Leader) before, (long Term, RaftRole Role, string? Leader) after)
    {
        if (after.Term > before.Term)
        {
            RaftMetrics.TermChanges.Add(1, _groupTag);
        }

        if (after.Role != before.Role && after.Role == RaftRole.Candidate)
        {
            RaftMetrics.Elections.Add(1, _groupTag);
        }

        if (after.Role != before.Role && after.Role == RaftRole.Leader)
        {
            RaftMetrics.LeaderChanges.Add(1, _groupTag);
        }
    }

    private void Fail(Exception exception)
    {
        if (IsStopped)
        {
            return;
        }

        if (exception is RaftStorageFencedException)
        {
            LogSuperseded(_logger, Key, Incarnation);
        }
        else
        {
            LogFailed(_logger, exception, Key);
        }

        Stop("cannot be followed: this activation stopped");
        Stopped?.Invoke(exception);
    }
}
