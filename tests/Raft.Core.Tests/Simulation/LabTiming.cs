namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// How virtual time maps onto the core's ticks in the simulated lab. One tick is 10 ms; a leader heartbeats every
/// 300 ms (3.3/s, the handout allows 10/s) and election timeouts are drawn in [800, 1600) ms, so a new leader
/// normally appears within about 2 s of a failure (the lab allows 5 s).
/// </summary>
public static class LabTiming
{
    public const int TickMs = 10;
    public const int ElectionTicks = 80;
    public const int HeartbeatTicks = 30;
    public const int RaftElectionTimeoutMs = 1000;
    public const long TestTimeLimitMs = 120_000;
}
