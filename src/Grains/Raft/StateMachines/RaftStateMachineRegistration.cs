namespace RaftOrleans.Grains.Raft.StateMachines;

public sealed record RaftStateMachineRegistration(string Name, Func<RaftPeerIdentity, IRaftStateMachine> Create);
