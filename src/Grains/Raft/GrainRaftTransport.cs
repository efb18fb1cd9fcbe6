using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Raft;

/// <summary>Messages to the other peers of a group as one-way grain calls, one per destination and batch.</summary>
internal sealed class GrainRaftTransport(IGrainFactory grains, string group) : IRaftTransport
{
    public void Send(string to, RaftMessage[] messages) =>
        _ = grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(group, to)).DeliverAsync(messages);
}
