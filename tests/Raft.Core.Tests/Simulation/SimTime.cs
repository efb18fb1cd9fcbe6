namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>The simulator's virtual clock as a <see cref="TimeProvider"/> (one tick of it is a millisecond): what the production peer host reads for its ownership lease.</summary>
public sealed class SimTime(Simulator sim) : TimeProvider
{
    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => sim.Now;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(sim.Now);
}
