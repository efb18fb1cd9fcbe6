namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>The process "died" at a storage write point: nothing after it ran.</summary>
public sealed class SimulatedCrashException(int point) : Exception($"simulated crash at write point {point}");
