using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Peer;

namespace RaftOrleans.Raft.Grains;

/// <summary>
/// Messages to the other peers of a group as grain calls, one per destination and batch: one-way, except that at
/// most every <see cref="ConfirmEvery"/> a destination's batch goes as a request. Its answer is how Orleans corrects
/// this silo's cached address of a peer that moved (a one-way call to the old address is forwarded, and nothing
/// comes back to fix the cache). Without it, once the silo a peer moved away from stalls, this peer's messages to it
/// would be lost there until that silo was declared dead: no election could finish meanwhile.
/// Used by one peer's logical thread only.
/// </summary>
internal sealed class GrainRaftTransport(IGrainFactory grains, string group, TimeProvider time) : IRaftTransport
{
    /// <summary>Well inside an election timeout (10 ticks of 50 ms), so a stale address costs no election.</summary>
    private static readonly TimeSpan ConfirmEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>When each destination's last confirmed batch left (a timestamp of <c>time</c>).</summary>
    private readonly Dictionary<string, long> _lastConfirmed = new(StringComparer.Ordinal);

    public void Send(string to, RaftMessage[] messages)
    {
        var peer = grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, to));
        var now = time.GetTimestamp();
        if (_lastConfirmed.TryGetValue(to, out var last) && time.GetElapsedTime(last, now) < ConfirmEvery)
        {
            _ = peer.DeliverAsync(messages);
            return;
        }

        _lastConfirmed[to] = now;
        _ = peer.DeliverConfirmedAsync(messages).ContinueWith(
            static answer => _ = answer.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
