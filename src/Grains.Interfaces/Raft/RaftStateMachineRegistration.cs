namespace RaftOrleans.Grains.Interfaces.Raft;

public sealed record RaftStateMachineRegistration(string Name, Func<RaftPeerIdentity, IRaftStateMachine> Create);
