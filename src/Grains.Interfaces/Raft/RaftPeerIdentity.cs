namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>Which peer of which group a state machine instance serves.</summary>
public sealed record RaftPeerIdentity(string Group, string Peer);
