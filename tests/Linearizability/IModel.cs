namespace RaftOrleans.Linearizability;

/// <summary>
/// A sequential specification: the state an object starts in and how one operation moves it. The checker searches
/// for an order of the history's operations, consistent with real time, that this specification accepts.
/// </summary>
public interface IModel<TState, TInput, TOutput>
    where TState : notnull
{
    /// <summary>The state before any operation.</summary>
    TState Init();

    /// <summary>
    /// Applies one operation to <paramref name="state"/>: whether <paramref name="output"/> is what the specification
    /// returns from that state, and the state after it. <paramref name="known"/> is false for an operation that never
    /// returned: any output is then acceptable (only the effect matters). Must not mutate <paramref name="state"/>.
    /// </summary>
    (bool Ok, TState Next) Step(TState state, TInput input, TOutput? output, bool known);

    /// <summary>Equality and hashing of states, used to memoize (linearized set, state) pairs.</summary>
    IEqualityComparer<TState> StateComparer { get; }

    /// <summary>
    /// Splits a history into independent sub-histories (for instance one per key) that are checked separately;
    /// a history is linearizable iff every part is (P-compositionality). Return the history itself when unsure.
    /// </summary>
    IEnumerable<(string Name, IReadOnlyList<Operation<TInput, TOutput>> Operations)> Partition(IReadOnlyList<Operation<TInput, TOutput>> history);

    string DescribeOperation(TInput input, TOutput? output, bool known);

    string DescribeState(TState state);
}

/// <summary>
/// Optional knowledge that lets the search cut dead branches early (the verdicts are the same, only faster). Some
/// operations are resets: they move the state to a value of their own whatever it was (like Put). All others only
/// move it "forward" (like Append and Get). After each tentative step, each of the next completed operations still to
/// place must be <see cref="Reachable"/>, either from the new state or from the state of a remaining reset that may
/// precede it, through forward operations that may precede it; otherwise that step is abandoned.
/// </summary>
public interface IMonotoneModel<TState, TInput, TOutput> : IModel<TState, TInput, TOutput>
    where TState : notnull
{
    /// <summary>Whether <paramref name="input"/> is a reset, and the state it moves to.</summary>
    bool IsReset(TInput input, out TState after);

    /// <summary>
    /// Whether <paramref name="input"/>/<paramref name="output"/> could be linearized at some state reached from
    /// <paramref name="state"/> by applying some of <paramref name="forward"/> (each at most once, in any order).
    /// Must not answer false when it could; answering true when unsure is always allowed.
    /// </summary>
    bool Reachable(TState state, TInput input, TOutput output, IReadOnlyList<TInput> forward);
}
