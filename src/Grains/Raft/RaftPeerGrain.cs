using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Grains.Raft.StateMachines;
using RaftOrleans.Grains.Raft.Storage;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Raft;

/// <summary>
/// A Raft peer: drives the pure core (<see cref="RaftNode"/>) with grain timer ticks, one-way messages from
/// its peers and client commands, and carries out each <see cref="Ready"/>: persist, send, apply.
/// <para>
/// Interleaving model. Requests are not reentrant: each runs to completion. Peers talk only through one-way
/// calls, so no request ever waits on another peer and two peers sending to each other cannot deadlock.
/// The one exception is <see cref="ExecuteAsync"/>, which always interleaves: it proposes synchronously and
/// then waits for the apply, during which the peer must keep processing the messages that commit it.
/// The Ready loop (<see cref="PumpAsync"/>) runs in the background on this grain's scheduler; it interleaves
/// with requests only at its storage awaits, and touches the core only synchronously between them, where
/// nothing else runs. The core accepts input while a Ready is outstanding and the loop re-reads everything it
/// needs from the core after each await, so no term or role is carried across one.
/// </para>
/// <para>
/// Fencing. On activation the peer claims its storage records (an ETag-checked write). An activation that a
/// newer one has superseded fails its next write with <see cref="InconsistentStateException"/>, and from then
/// on sends, acknowledges and applies nothing, and deactivates. One that writes nothing finds out from its
/// periodic ownership check (<see cref="RaftOptions.OwnershipCheckPeriod"/>).
/// </para>
/// </summary>
internal sealed partial class RaftPeerGrain(
    [FromKeyedServices(StorageNames.Raft)] IGrainStorage storage,
    RaftStateMachineRegistry stateMachines,
    IOptions<RaftOptions> options,
    ILocalSiloDetails silo,
    ILogger<RaftPeerGrain> logger) : Grain, IRaftPeerGrain, IRemindable
{
    private const string KeepAliveReminder = "raft-keepalive";

    private readonly RaftOptions _options = options.Value;
    private RaftPeerStore _store = null!;
    private RaftNode? _node;
    private IRaftStateMachine? _stateMachine;
    private IGrainTimer? _ticker;
    private IGrainTimer? _ownershipCheck;
    private bool _pumping;

    /// <summary>Bytes of commands applied since the last snapshot: what compaction would free.</summary>
    private long _appliedBytesSinceSnapshot;

    /// <summary>Commands proposed by <see cref="ExecuteAsync"/>, by log index, with the term they were appended in.</summary>
    private readonly Dictionary<long, (long Term, TaskCompletionSource<byte[]> Completion)> _waiters = [];

    /// <summary>Set once a write of this activation was rejected: it no longer acts at all.</summary>
    private bool _fenced;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new RaftPeerStore(storage, this.GetGrainId(), _options.EntriesPerSegment);
        var entries = await _store.LoadAsync();
        if (_store.Hard.Group is { } group)
        {
            await _store.ClaimAsync(group);
            Start(group, entries);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A save may still be in flight; once this activation is gone, a newer one may load, so this
        // one must neither acknowledge nor apply what that save completes.
        StopActing("cannot be followed: the peer deactivated");
        return Task.CompletedTask;
    }

    public async Task InitializeAsync(RaftGroupConfig config)
    {
        Validate(config);
        if (_store.Hard.Group is { } existing)
        {
            if (!existing.SameAs(config))
            {
                throw new GroupConfigMismatchException($"Raft peer '{Key}' belongs to group {Describe(existing)}, not {Describe(config)}.");
            }

            return;
        }

        await _store.ClaimAsync(config);
        Start(config, []);
    }

    public Task DeliverAsync(RaftMessage[] messages)
    {
        if (_node is null || _fenced)
        {
            return Task.CompletedTask;
        }

        foreach (var message in messages)
        {
            _node.Step(message);
        }

        Pump();
        return Task.CompletedTask;
    }

    public Task<StartResult> StartAsync(byte[] command)
    {
        var node = RequireNode();
        if (_fenced)
        {
            return Task.FromResult(new StartResult(false, 0, node.CurrentTerm, null));
        }

        var result = node.Propose(command);
        Pump();
        return Task.FromResult(new StartResult(result.Accepted, result.Index, result.Term, result.LeaderHint));
    }

    public Task<byte[]> ExecuteAsync(byte[] command)
    {
        var node = RequireNode();
        var result = _fenced ? default : node.Propose(command);
        if (!result.Accepted)
        {
            throw new NotLeaderException(Key, _fenced ? null : result.LeaderHint);
        }

        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[result.Index] = (result.Term, waiter);
        Pump();
        return waiter.Task;
    }

    public Task<PeerState> GetStateAsync()
    {
        var node = RequireNode();
        var state = node.GetState();
        return Task.FromResult(new PeerState(
            state.Term,
            state.IsLeader && !_fenced,
            state.LeaderId,
            node.CommitIndex,
            node.LastApplied,
            node.LastIndex,
            node.LastIncludedIndex,
            silo.SiloAddress.ToParsableString(),
            _store.Hard.Incarnation));
    }

    public Task CrashAsync()
    {
        LogCrash(logger, Key);
        StopActing("cannot be followed: the peer crashed");
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private void Start(RaftGroupConfig group, List<LogEntry> entries)
    {
        var self = Key[(group.Name.Length + 1)..];
        var config = new RaftConfig
        {
            SelfId = self,
            PeerIds = group.PeerIds,
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            MaxEntriesPerAppend = _options.MaxEntriesPerAppend,
            MaxInflightAppends = _options.MaxInflightAppends,
            PreVote = _options.PreVote,
            CheckQuorum = _options.CheckQuorum,
            LeaderNoOp = true,
        };
        _stateMachine = stateMachines.Create(group.StateMachine, new RaftPeerIdentity(group.Name, self));
        if (_store.Snapshot is { } snapshot)
        {
            _stateMachine.Restore(snapshot.LastIncludedIndex, snapshot.Data);
        }

        _node = new RaftNode(config, new Random(), _store.Hard.HardState, _store.Snapshot, entries);
        _ticker = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(_options.TickPeriod, _options.TickPeriod) { KeepAlive = true });
        _ownershipCheck = this.RegisterGrainTimer(CheckOwnershipAsync, new GrainTimerCreationOptions(_options.OwnershipCheckPeriod, _options.OwnershipCheckPeriod));
        _ = RegisterKeepAliveAsync();
        LogStarted(logger, Key, _node.CurrentTerm, _node.LastIndex, _node.LastIncludedIndex);
    }

    private Task Tick()
    {
        if (_node is not null && !_fenced)
        {
            _node.Tick();
            Pump();
        }

        return Task.CompletedTask;
    }

    private async Task CheckOwnershipAsync()
    {
        if (!_fenced && !await _store.IsStillOwnerAsync() && !_fenced)
        {
            Fence(new InconsistentStateException($"Raft peer '{Key}': a newer activation claimed this peer's storage."));
        }
    }

    private void Pump()
    {
        if (!_pumping && !_fenced && _node is { HasReady: true })
        {
            _ = PumpAsync();
        }
    }

    /// <summary>The Ready loop: persist, send (acknowledgements only once durable), apply, advance.</summary>
    private async Task PumpAsync()
    {
        _pumping = true;
        try
        {
            while (!_fenced && _node is { HasReady: true } node)
            {
                var ready = node.GetReady();
                Send(ready.Messages);
                if (ready.MustPersist)
                {
                    await _store.SaveAsync(ready, node.FirstIndex, node.EntryAt);
                    if (_fenced)
                    {
                        return;
                    }
                }

                Send(ready.MessagesAfterPersist);
                Apply(ready);
                node.Advance(ready);
                MaybeSnapshot(node);
            }
        }
        catch (InconsistentStateException exception)
        {
            Fence(exception);
        }
        catch (Exception exception)
        {
            // The core cannot take a Ready back: restart from what storage holds.
            LogPersistFailed(logger, exception, Key);
            Fence(exception);
        }
        finally
        {
            _pumping = false;
        }
    }

    private void Send(IReadOnlyList<RaftMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        var group = _store.Hard.Group!.Name;
        foreach (var batch in messages.GroupBy(m => m.To))
        {
            var peer = GrainFactory.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, batch.Key));
            _ = peer.DeliverAsync(batch.ToArray());
        }
    }

    private void Apply(Ready ready)
    {
        if (ready.SnapshotToApply is { } snapshot)
        {
            _stateMachine!.Restore(snapshot.LastIncludedIndex, snapshot.Data);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            byte[] result = [];
            if (entry.Kind == LogEntryKind.Command)
            {
                result = _stateMachine!.Apply(entry.Index, entry.Command);
                _appliedBytesSinceSnapshot += entry.Command.Length;
            }
            else
            {
                _stateMachine!.ApplyNoOp(entry.Index);
            }

            if (_waiters.Remove(entry.Index, out var waiter))
            {
                // Another leader's entry at our index means ours was overwritten and never committed.
                if (waiter.Term == entry.Term)
                {
                    waiter.Completion.TrySetResult(result);
                }
                else
                {
                    waiter.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}': the entry at index {entry.Index} of term {waiter.Term} was replaced by one of term {entry.Term}."));
                }
            }
        }

        if (ready.SnapshotToApply is { } installed)
        {
            FailWaitersUpTo(installed.LastIncludedIndex, "was covered by a snapshot from the leader");
        }
    }

    /// <summary>Compacts the log once enough entries, or bytes, were applied since the last snapshot (§7).</summary>
    private void MaybeSnapshot(RaftNode node)
    {
        var entries = node.LastApplied - node.LastIncludedIndex;
        if (entries > 0
            && ((_options.SnapshotEveryEntries > 0 && entries >= _options.SnapshotEveryEntries)
                || (_options.SnapshotAfterBytes > 0 && _appliedBytesSinceSnapshot >= _options.SnapshotAfterBytes)))
        {
            node.Snapshot(node.LastApplied, _stateMachine!.TakeSnapshot());
            _appliedBytesSinceSnapshot = 0;
        }
    }

    private void FailWaitersUpTo(long index, string why)
    {
        foreach (var waiting in _waiters.Keys.Where(i => i <= index).ToList())
        {
            _waiters.Remove(waiting, out var waiter);
            waiter.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}': the command at index {waiting} {why}; its fate is unknown."));
        }
    }

    private void Fence(Exception exception)
    {
        StopActing("cannot be followed: this activation stopped");
        LogFenced(logger, exception, Key);
        DeactivateOnIdle();
    }

    /// <summary>From now on this activation sends, acknowledges and applies nothing; its commands' callers learn it.</summary>
    private void StopActing(string why)
    {
        _fenced = true;
        FailWaitersUpTo(long.MaxValue, why);
        _ticker?.Dispose();
        _ownershipCheck?.Dispose();
    }

    private RaftNode RequireNode() => _node ?? throw new UnknownGroupException(Key);

    private async Task RegisterKeepAliveAsync()
    {
        // A reminder brings the peer back on a live silo even when no peer or client calls it.
        if (ServiceProvider.GetService<IReminderService>() is null)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(KeepAliveReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch (Exception exception)
        {
            LogReminderFailed(logger, exception, Key);
        }
    }

    private void Validate(RaftGroupConfig config)
    {
        var peer = Key.StartsWith(config.Name + "/", StringComparison.Ordinal) ? Key[(config.Name.Length + 1)..] : null;
        if (peer is null || !config.PeerIds.Contains(peer) || config.PeerIds.Distinct().Count() != config.PeerIds.Count)
        {
            throw new GroupConfigMismatchException($"Raft peer '{Key}' is not one of the distinct peers of {Describe(config)}.");
        }

        if (!stateMachines.Contains(config.StateMachine))
        {
            throw new GroupConfigMismatchException($"No Raft state machine '{config.StateMachine}' on this silo. Known: {string.Join(", ", stateMachines.Names)}.");
        }
    }

    private static string Describe(RaftGroupConfig config) =>
        $"'{config.Name}' [{string.Join(", ", config.PeerIds)}] running '{config.StateMachine}'";
}
