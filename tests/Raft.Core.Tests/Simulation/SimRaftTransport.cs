using RaftOrleans.Raft.Peer;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>A server incarnation's outgoing messages, onto the simulated network as one-way messages.</summary>
internal sealed class SimRaftTransport(LabConfig cfg, int server, int incarnation) : IRaftTransport
{
    public void Send(string to, RaftMessage[] messages)
    {
        foreach (var message in messages)
        {
            cfg.SendOneWay(server, incarnation, message);
        }
    }
}
