using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Peer;

/// <summary>How a <see cref="RaftPeer"/> reaches the others of its group: one-way, never awaited, possibly lost.</summary>
internal interface IRaftTransport
{
    /// <summary>Sends one batch of messages to the peer <paramref name="to"/> of the group.</summary>
    void Send(string to, RaftMessage[] messages);
}
