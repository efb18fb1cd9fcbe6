using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// An outgoing call filter on every test silo: it routes each peer-to-peer Raft message through the group's
/// <see cref="RaftNetwork"/>, which may drop or delay it. Faults thus hit real Orleans calls between grains.
/// </summary>
public sealed class RaftNetworkFilter : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name is not (nameof(IRaftPeerGrain.DeliverAsync) or nameof(IRaftPeerGrain.DeliverConfirmedAsync))
            || context.SourceId is not { } source
            || !TrySplit(context.TargetId, out var group, out var to)
            || !TrySplit(source, out var sourceGroup, out var from)
            || sourceGroup != group
            || RaftNetwork.Find(group) is not { } network)
        {
            await context.Invoke();
            return;
        }

        var messages = context.Request.GetArgument(0) as RaftMessage[] ?? [];
        foreach (var message in messages)
        {
            network.RecordSent(from, to, message);
        }

        // A batch of responses only is the lab's reply; anything else travels as a request.
        var reply = messages.Length > 0 && messages.All(m => m is AppendEntriesResponse or RequestVoteResponse or InstallSnapshotResponse);
        if (network.Route(from, to, reply) is not { } delay)
        {
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
            if (!network.CanTalk(from, to))
            {
                network.CountDropped();
                return;
            }
        }

        network.CountDelivered();
        await context.Invoke();
    }

    private static bool TrySplit(GrainId id, out string group, out string peer)
    {
        var key = id.Key.ToString();
        var slash = key?.LastIndexOf('/') ?? -1;
        group = slash > 0 ? key![..slash] : string.Empty;
        peer = slash > 0 ? key![(slash + 1)..] : string.Empty;
        return slash > 0;
    }
}
