namespace RaftOrleans.Grains.Interfaces;

/// <summary>The one rule of when a failed grain call may be sent again.</summary>
public static class GrainCalls
{
    /// <summary>
    /// The call failed on its way, not in the grain: a silo died or stalled, a gateway went away, the answer did not
    /// come in time. It may or may not have arrived, so asking again (the same grain, or by another route) may
    /// succeed; a caller that asks again must make the request safe to repeat.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception is OrleansException or TimeoutException;
}
