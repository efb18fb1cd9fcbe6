using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Raft.Leadership;

/// <summary>
/// A silo that stops on request first hands the leadership of the groups it leads to followers on other silos
/// (thesis §3.10), while it still answers: its leaders' deactivation would otherwise cost each group an election
/// timeout. Runs as the silo leaves its active stage, before any grain is deactivated; gives each group at most an
/// election timeout.
/// </summary>
internal sealed partial class LeaderHandOver(
    LocalPeers local,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<RaftOptions> options,
    TimeProvider time,
    ILogger<LeaderHandOver> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(LeaderHandOver), ServiceLifecycleStage.Active, _ => Task.CompletedTask, HandOverAsync);

    private async Task HandOverAsync(CancellationToken cancellationToken)
    {
        // Alone (a client's embedded silo, the last silo up) there is no one to hand over to.
        if (!membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress)))
        {
            return;
        }

        var deadline = options.Value.TickPeriod * options.Value.ElectionTicks;
        await Task.WhenAll(local.Peers.Select(key => HandOverAsync(grains.GetGrain<IRaftPeerGrain>(key), key, deadline, cancellationToken)));
    }

    private async Task HandOverAsync(IRaftPeerGrain peer, string key, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            if (!await peer.TransferLeadershipAsync().WaitAsync(deadline, time, cancellationToken))
            {
                return;
            }

            while (time.GetElapsedTime(started) < deadline && (await peer.GetStateAsync().WaitAsync(deadline, time, cancellationToken)).IsLeader)
            {
                await Task.Delay(PollInterval, time, cancellationToken);
            }

            LogHandedOver(logger, key, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException || GrainCalls.IsTransient(exception))
        {
            // The silo stops anyway; the group elects a leader as it would have.
            LogHandOverFailed(logger, key, exception.Message);
        }
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Raft peer {PeerKey} handed leadership over in {Milliseconds:0} ms as its silo stops")]
    private static partial void LogHandedOver(ILogger logger, string peerKey, double milliseconds);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Raft peer {PeerKey} could not hand leadership over as its silo stops: {Reason}")]
    private static partial void LogHandOverFailed(ILogger logger, string peerKey, string reason);
}
