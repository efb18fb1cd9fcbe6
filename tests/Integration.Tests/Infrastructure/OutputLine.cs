namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>One line a child process wrote, with when the test saw it.</summary>
public sealed record OutputLine(DateTime At, bool IsError, string Text)
{
    public override string ToString() => $"{At:HH:mm:ss.fff} {(IsError ? "err" : "out")} {Text}";
}
