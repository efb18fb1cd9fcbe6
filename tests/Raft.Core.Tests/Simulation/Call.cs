namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>An RPC being handled: which incarnations of caller and callee it connects.</summary>
public sealed record Call(int Caller, int CallerIncarnation, int Callee, int CalleeIncarnation, RaftMessage Request);
