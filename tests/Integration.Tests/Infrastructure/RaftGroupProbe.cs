using System.Globalization;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>Where the peers of a group run and what they say, as seen from a client.</summary>
public static class RaftGroupProbe
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Every peer's state, or null for a peer that did not answer within a few seconds.</summary>
    public static async Task<IReadOnlyList<(string Peer, PeerState? State)>> StatesAsync(IGrainFactory grains, string group, IReadOnlyList<string> peers, TimeSpan? timeout = null) =>
        await Task.WhenAll(peers.Select(async peer =>
        {
            try
            {
                return (peer, (PeerState?)await grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, peer)).GetStateAsync().WaitAsync(timeout ?? CallTimeout));
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception))
            {
                return (peer, null);
            }
        }));

    /// <summary>The silo process of a peer's activation: its address is <c>127.0.0.1:11111@123456</c>.</summary>
    public static SiloProcess? SiloOf(SiloProcessCluster cluster, PeerState state)
    {
        var endpoint = state.Silo.Split('@')[0];
        var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        return cluster.Silos.FirstOrDefault(s => s.SiloPort == port);
    }

    public static string Describe(SiloProcessCluster cluster, IEnumerable<(string Peer, PeerState? State)> states) =>
        string.Join(", ", states.Select(s => s.State is { } state
            ? $"{s.Peer}@{SiloOf(cluster, state)?.Process.Name ?? state.Silo}{(state.IsLeader ? " (leader)" : string.Empty)} term {state.Term} commit {state.CommitIndex}"
            : $"{s.Peer}: no answer"));
}
