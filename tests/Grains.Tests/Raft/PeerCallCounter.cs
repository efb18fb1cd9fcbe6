using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// An outgoing call filter on every test silo that counts the client requests (<see cref="IRaftPeerGrain.ExecuteAsync"/>)
/// grains send to each Raft peer: a test can tell that a relay has taken a call up and passed it on.
/// </summary>
public sealed class PeerCallCounter(ILocalSiloDetails silo) : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, int> Executes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(string Peer, string Silo), int> ExecutesBySilo = new();

    /// <summary>How many <see cref="IRaftPeerGrain.ExecuteAsync"/> calls grains of the test silos sent to <paramref name="peerKey"/>.</summary>
    public static int ExecutesSentTo(string peerKey) => Executes.GetValueOrDefault(peerKey);

    /// <summary>How many of those calls grains of silo <paramref name="from"/> (its parsable address) sent.</summary>
    public static int ExecutesSentTo(string peerKey, string from) => ExecutesBySilo.GetValueOrDefault((peerKey, from));

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IRaftPeerGrain.ExecuteAsync) && context.SourceId is not null && context.TargetId.Key.ToString() is { } key)
        {
            Executes.AddOrUpdate(key, 1, static (_, n) => n + 1);
            ExecutesBySilo.AddOrUpdate((key, silo.SiloAddress.ToParsableString()), 1, static (_, n) => n + 1);
        }

        return context.Invoke();
    }
}
