namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>What carries out each server's Ready loop in the simulated lab.</summary>
public enum LabHost
{
    /// <summary>The simulator's own loop over the bare core, with labrpc's request/reply calls (the lab's model).</summary>
    Core,

    /// <summary>
    /// The loop that ships: <c>RaftPeer</c>, the class the peer grain hosts, over the real <c>RaftPeerStore</c> on the
    /// in-memory store, with one-way messages as between grains, and crashes injected at storage writes.
    /// </summary>
    Peer,
}
