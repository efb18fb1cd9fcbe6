namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>A failed check of the simulated tester; the message names the seed so the run can be replayed.</summary>
public sealed class RaftTestException : Exception
{
    public RaftTestException(string message)
        : base(message)
    {
    }

    public RaftTestException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
