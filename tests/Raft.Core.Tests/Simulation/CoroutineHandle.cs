namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>Completion flag of a coroutine started with <see cref="Simulator.Spawn"/>.</summary>
public sealed class CoroutineHandle
{
    public bool Done { get; set; }
}
