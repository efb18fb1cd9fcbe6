using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GrainDirectory;
using Orleans.Runtime.Placement;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Diagnostics;
using RaftOrleans.Raft.Hosting;
using RaftOrleans.Raft.Leadership;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Placement;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Grains;

/// <summary>
/// Hosts one Raft peer (<see cref="RaftPeer"/>): activation (claiming its storage), the tick and ownership timers,
/// the keep-alive reminder, and deactivation once the peer stops.
/// <para>
/// Interleaving model. Requests are not reentrant: each runs to completion. Peers talk only through one-way
/// calls, so no request ever waits on another peer and two peers sending to each other cannot deadlock.
/// <see cref="ExecuteAsync"/> always interleaves: it proposes synchronously and then waits for the apply, during
/// which the peer must keep processing the messages that commit it. The peer's Ready loop runs in the background
/// on this grain's scheduler and interleaves with requests only at its storage awaits.
/// </para>
/// <para>
/// Fencing. Activation claims the peer in storage (bumping its incarnation) before reading it; the store checks
/// the incarnation inside every save, so an activation that a newer one superseded changes nothing, stops
/// acting and deactivates. One that writes nothing learns it from its periodic ownership check
/// (<see cref="RaftOptions.OwnershipCheckPeriod"/>).
/// </para>
/// </summary>
[RaftPeerPlacement]
[GrainDirectory(GrainDirectoryName = DirectoryNames.RaftPeers)]
internal sealed partial class RaftPeerGrain(
    IRaftStorage storage,
    RaftStateMachineRegistry stateMachines,
    IOptions<RaftOptions> options,
    ILocalSiloDetails silo,
    IClusterMembershipService membership,
    TimeProvider time,
    LocalPeers local,
    ILogger<RaftPeer> logger) : Grain, IRaftPeerGrain, IRemindable
{
    private const string KeepAliveReminder = "raft-keepalive";

    private readonly RaftOptions _options = options.Value;
    private RaftPeer? _peer;

    /// <summary>Set when the peer left its group: the configuration that removed it, where callers are sent instead.</summary>
    private Membership? _successors;
    private IGrainTimer? _ticker;
    private IGrainTimer? _ownershipCheck;
    private IGrainTimer? _rebalanceTimer;
    private PeerRebalancer? _rebalancer;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var store = new RaftPeerStore(storage, Key, silo.SiloAddress.ToParsableString(), time);
        var data = await store.ClaimAsync(join: null);
        _successors = data.Successors;
        if (data.Group is not null && !data.Retired)
        {
            Start(store, data);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A save may still be in flight; once this activation is gone, a newer one may claim the peer, so this
        // one must neither acknowledge nor apply what that save completes.
        _peer?.Stop("cannot be followed: the peer deactivated");
        local.Remove(Key);
        return Task.CompletedTask;
    }

    public Task InitializeAsync(RaftGroupConfig config) => StartAsync(config, joining: false);

    public Task JoinAsync(RaftGroupConfig config) => StartAsync(config, joining: true);

    private async Task StartAsync(RaftGroupConfig config, bool joining)
    {
        Validate(config, joining);
        if (_peer is null)
        {
            // Nothing is kept in memory before the claim succeeded: a failed claim leaves the activation as it was.
            var store = new RaftPeerStore(storage, Key, silo.SiloAddress.ToParsableString(), time);
            var data = await store.ClaimAsync(config);
            _successors = data.Successors;
            if (data.Retired)
            {
                // It voted and acknowledged once: under the same name it would start with none of what it promised.
                if (joining)
                {
                    throw new GroupConfigMismatchException($"Raft peer '{Key}' left group '{config.Name}' before; a removed peer's id is not used again: add another.");
                }

                return;
            }

            Start(store, data);
        }

        if (!_peer!.Group.SameAs(config))
        {
            throw new GroupConfigMismatchException($"Raft peer '{Key}' belongs to group {Describe(_peer.Group)}, not {Describe(config)}.");
        }
    }

    public Task DeliverConfirmedAsync(RaftMessage[] messages) => DeliverAsync(messages);

    public Task DeliverAsync(RaftMessage[] messages)
    {
        if (_peer is { IsStopped: false } peer)
        {
            peer.Deliver(messages);
        }
        else
        {
            RaftMetrics.MessagesDropped.Add(messages.Length);
        }

        return Task.CompletedTask;
    }

    public Task<StartResult> StartAsync(byte[] command)
    {
        var result = RequirePeer().Start(command);
        return Task.FromResult(new StartResult(result.Accepted, result.Index, result.Term, result.LeaderHint));
    }

    public Task<byte[]> ExecuteAsync(byte[] command) => RequirePeer().ExecuteAsync(command);

    public Task<byte[]> QueryAsync(byte[] query) => RequirePeer().QueryAsync(query);

    public Task<PeerState> GetStateAsync()
    {
        if (_peer is null && _successors is { } successors)
        {
            // A peer that left answers with where its group went: no term, no log, the configuration that removed it.
            return Task.FromResult(new PeerState(0, false, successors.Voters[0], 0, 0, 0, 0, silo.SiloAddress.ToParsableString(), 0, successors, true, Left: true));
        }

        var peer = RequirePeer();
        var node = peer.Node;
        var state = node.GetState();
        return Task.FromResult(new PeerState(
            state.Term,
            state.IsLeader && !peer.IsStopped,
            state.LeaderId,
            node.CommitIndex,
            node.LastApplied,
            node.LastIndex,
            node.LastIncludedIndex,
            silo.SiloAddress.ToParsableString(),
            peer.Incarnation,
            node.Membership,
            peer.MembershipCommitted));
    }

    public Task MoveToAsync(string to)
    {
        if (to != silo.SiloAddress.ToParsableString() && _peer is { IsStopped: false })
        {
            LogMoving(logger, Key, to);
            RequestContext.Set(IPlacementDirector.PlacementHintKey, SiloAddress.FromParsableString(to));
            this.MigrateOnIdle();
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return Task.CompletedTask;
    }

    public async Task<Membership> ChangeMembershipAsync(MembershipChange change, TimeSpan wait)
    {
        var peer = RequirePeer();
        if (!peer.Node.GetState().IsLeader || peer.IsStopped)
        {
            throw new NotLeaderException(Key, peer.Node.LeaderId);
        }

        var joining = change.Kind switch
        {
            MembershipChangeKind.AddVoter or MembershipChangeKind.AddLearner => change.Peer,
            MembershipChangeKind.Replace => change.Replacement,
            _ => null,
        };
        if (joining is not null && !peer.Node.Membership.IsMember(joining))
        {
            // The newcomer must exist (claimed, silent) before the leader sends it anything.
            using var joined = new CancellationTokenSource(wait);
            try
            {
                await RaftGroups.JoinAsync(GrainFactory, peer.Group, joining, joined.Token);
            }
            catch (GroupConfigMismatchException mismatch)
            {
                throw new MembershipChangeRefusedException(MembershipRefusal.Invalid, mismatch.Message);
            }
        }

        LogMembershipChange(logger, Key, change.Kind, change.Peer, change.Replacement ?? "-");
        var membership = await peer.ChangeMembershipAsync(change, wait);
        if (change.Kind is MembershipChangeKind.Remove or MembershipChangeKind.Replace && peer.HasLeft(change.Peer))
        {
            await RetireDepartedAsync(peer, change.Peer, membership, wait);
        }

        return membership;
    }

    public async Task<bool> RetireAsync(Membership committed)
    {
        if (_peer is not { } peer)
        {
            return true;
        }

        if (committed.IsMember(peer.Node.Id))
        {
            return false;
        }

        LogRetiring(logger, Key, committed.ToString());
        StopHosting("cannot be followed: the peer left its group");
        await storage.RetireAsync(Key, peer.Incarnation, committed);
        _successors = committed;
        if (ServiceProvider.GetService<IReminderService>() is not null && await this.GetReminder(KeepAliveReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _peer = null;
        return true;
    }

    /// <summary>A peer the change removed stops and deletes its storage; this one, once it handed leadership over.</summary>
    private async Task RetireDepartedAsync(RaftPeer peer, string departed, Membership committed, TimeSpan wait)
    {
        if (departed != peer.Node.Id)
        {
            try
            {
                await GrainFactory.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(peer.Group.Name, departed)).RetireAsync(committed).WaitAsync(wait);
            }
            catch (Exception exception) when (exception is TimeoutException || GrainCalls.IsTransient(exception))
            {
                // It is out of the configuration already: a peer left running is silent and harmless, only not deleted.
                LogRetireFailed(logger, exception, RaftGroupConfig.PeerKey(peer.Group.Name, departed));
            }

            return;
        }

        if (await peer.WhenAsync(() => !peer.Node.GetState().IsLeader, wait))
        {
            await RetireAsync(committed);
        }
    }

    public Task<bool> TransferLeadershipAsync(string? peer = null)
    {
        var underWay = RequirePeer().TransferLeadership(peer, OnThisSilo);
        if (underWay)
        {
            LogTransferring(logger, Key, _peer!.Node.LeadTransferee!);
        }

        return Task.FromResult(underWay);
    }

    public Task CrashAsync()
    {
        LogCrash(logger, Key);
        StopHosting("cannot be followed: the peer crashed");
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private void Start(RaftPeerStore store, RaftPeerData data)
    {
        var group = data.Group!;
        var stateMachine = stateMachines.Create(group.StateMachine, new RaftPeerIdentity(group.Name, RaftPeer.SelfId(Key, group)));
        _peer = new RaftPeer(store, data, stateMachine, new GrainRaftTransport(GrainFactory, group.Name, time), _options, new Random(), time, logger)
        {
            Stopped = _ => StopHosting("cannot be followed: this activation stopped"),

            // Off the grain's scheduler: a large state takes longer to serialize than an election timeout.
            SerializeSnapshot = serialize => Task.Run(serialize),
        };
        _ticker = this.RegisterGrainTimer(() =>
        {
            _peer.Tick();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(_options.TickPeriod, _options.TickPeriod) { KeepAlive = true });
        _ownershipCheck = this.RegisterGrainTimer(_peer.CheckOwnershipAsync, new GrainTimerCreationOptions(_options.OwnershipCheckPeriod, _options.OwnershipCheckPeriod));
        if (_options.RebalancePeriod > TimeSpan.Zero)
        {
            // Interleaved: it only reads, and a peer on a silent silo must not hold up this one's messages.
            _rebalancer = new PeerRebalancer(storage, _options, time);
            _rebalanceTimer = this.RegisterGrainTimer(RebalanceAsync, new GrainTimerCreationOptions(_options.RebalancePeriod, _options.RebalancePeriod) { Interleave = true });
        }

        local.Add(Key);
        _ = RegisterKeepAliveAsync();
    }

    /// <summary>The peer stops acting at once; the activation goes when idle, and the next call starts a new one from storage.</summary>
    private void StopHosting(string why)
    {
        _peer?.Stop(why);
        _ticker?.Dispose();
        _ownershipCheck?.Dispose();
        _rebalanceTimer?.Dispose();
        DeactivateOnIdle();
    }

    /// <summary>As leader: moves one peer when a silo holds two more of the group's peers than another (<see cref="PeerRebalancer"/>).</summary>
    private async Task RebalanceAsync()
    {
        if (_peer is not { IsStopped: false } peer || !peer.Node.GetState().IsLeader || _rebalancer is null)
        {
            return;
        }

        var move = await _rebalancer.NextMoveAsync(peer.Node, peer.Group, silo.SiloAddress.ToParsableString(), ActiveSilos);
        if (move is not { } m || peer.IsStopped)
        {
            return;
        }

        if (m.Peer == peer.Node.Id)
        {
            // The leader's own peer would cost the group an election if it moved now: it hands leadership over first,
            // and its successor moves it as a follower.
            if (peer.TransferLeadership(null, OnThisSilo))
            {
                LogTransferring(logger, Key, peer.Node.LeadTransferee!);
            }

            return;
        }

        LogRebalancing(logger, peer.Group.Name, m.Peer, m.From, m.To);
        await GrainFactory.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(peer.Group.Name, m.Peer)).MoveToAsync(m.To);
    }

    /// <summary>Whether a peer of this group is active on this silo (a successor there would stop with it).</summary>
    private bool OnThisSilo(string peerId) => _peer is { } peer && local.Contains(RaftGroupConfig.PeerKey(peer.Group.Name, peerId));

    private IReadOnlyList<string> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress.ToParsableString()).ToList();

    /// <summary>The running peer; a peer that left its group sends the caller to one of its successors.</summary>
    private RaftPeer RequirePeer() =>
        _peer ?? throw (_successors is { } successors ? new NotLeaderException(Key, successors.Voters[0]) : new UnknownGroupException(Key));

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

    /// <param name="joining">The peer joins the running group (<see cref="JoinAsync"/>) rather than founding it.</param>
    private void Validate(RaftGroupConfig config, bool joining)
    {
        var peer = Key.StartsWith(config.Name + "/", StringComparison.Ordinal) ? Key[(config.Name.Length + 1)..] : null;

        // A founder may join too: one removed finds its retired record, one never started starts outside the configuration.
        if (peer is null || (!joining && !config.PeerIds.Contains(peer)) || config.PeerIds.Distinct().Count() != config.PeerIds.Count)
        {
            throw new GroupConfigMismatchException($"Raft peer '{Key}' is not one of the distinct peers of {Describe(config)}.");
        }

        if (config.PeerIds.Append(peer).Any(p => p.Length == 0 || p.Contains('/')))
        {
            throw new GroupConfigMismatchException($"Peer ids must be non-empty and hold no '/': '{peer}' of {Describe(config)}.");
        }

        if (!stateMachines.Contains(config.StateMachine))
        {
            throw new GroupConfigMismatchException($"No Raft state machine '{config.StateMachine}' on this silo. Known: {string.Join(", ", stateMachines.Names)}.");
        }
    }

    private static string Describe(RaftGroupConfig config) =>
        $"'{config.Name}' [{string.Join(", ", config.PeerIds)}] running '{config.StateMachine}'";
}
