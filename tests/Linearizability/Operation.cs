namespace RaftOrleans.Linearizability;

/// <summary>
/// One operation of a history: who issued it, when it was called and when it returned (any totally ordered clock:
/// virtual milliseconds, ticks, or a logical counter), what it asked and what it got.
/// An operation that never returned has <see cref="Return"/> null and <see cref="Output"/> default: it may or may
/// not have taken effect, at any point after its call.
/// </summary>
/// <param name="ClientId">The issuing client (informational; a client is expected to have one operation outstanding).</param>
/// <param name="Input">What was asked.</param>
/// <param name="Call">When the operation was invoked.</param>
/// <param name="Output">What it returned; default when it never returned.</param>
/// <param name="Return">When it returned (&gt;= <paramref name="Call"/>), or null when it never did.</param>
public sealed record Operation<TInput, TOutput>(int ClientId, TInput Input, long Call, TOutput? Output, long? Return)
{
    public bool Completed => Return is not null;

    public static Operation<TInput, TOutput> Returned(int clientId, TInput input, long call, TOutput output, long @return) =>
        new(clientId, input, call, output, @return);

    public static Operation<TInput, TOutput> Pending(int clientId, TInput input, long call) =>
        new(clientId, input, call, default, null);
}
