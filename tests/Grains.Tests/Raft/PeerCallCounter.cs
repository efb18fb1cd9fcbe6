using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// An outgoing call filter on every test silo that counts the client requests (<see cref="IRaftPeerGrain.ExecuteAsync"/>)
/// grains send to each Raft peer: a test can tell that a relay has taken a call up and passed it on.
/// </summary>
public sealed class PeerCallCounter : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, int> Executes = new(StringComparer.Ordinal);

    /// <summary>How many <see cref="IRaftPeerGrain.ExecuteAsync"/> calls grains of the test silos sent to <paramref name="peerKey"/>.</summary>
    public static int ExecutesSentTo(string peerKey) => Executes.GetValueOrDefault(peerKey);

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IRaftPeerGrain.ExecuteAsync) && context.SourceId is not null && context.TargetId.Key.ToString() is { } key)
        {
            Executes.AddOrUpdate(key, 1, static (_, n) => n + 1);
        }

        return context.Invoke();
    }
}
