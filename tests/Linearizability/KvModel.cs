namespace RaftOrleans.Linearizability;

public enum KvOp
{
    Get,
    Put,
    Append,
    Delete,
    Cas,
}

/// <summary>
/// A key/value request: Get(key), Put(key, value), Append(key, value), Delete(key) or Cas(key, expected, value). A
/// scan is recorded as one Get per key it covers (see <see cref="KvScans"/>).
/// </summary>
public sealed record KvInput(KvOp Op, string Key, string Value = "", string Expected = "")
{
    public static KvInput Get(string key) => new(KvOp.Get, key);

    public static KvInput Put(string key, string value) => new(KvOp.Put, key, value);

    public static KvInput Append(string key, string value) => new(KvOp.Append, key, value);

    public static KvInput Delete(string key) => new(KvOp.Delete, key);

    public static KvInput Cas(string key, string expected, string value) => new(KvOp.Cas, key, value, expected);
}

/// <summary>
/// A key/value reply: the value read (Get; empty for a missing key), empty for Put, Append and Delete; for Cas whether
/// it swapped and, when it did not, the value it found.
/// </summary>
public sealed record KvOutput(string Value, bool Swapped = false)
{
    public static KvOutput Done { get; } = new(string.Empty);

    public static KvOutput CasResult(bool swapped, string current) => new(swapped ? string.Empty : current, swapped);
}

/// <summary>
/// The sequential specification of a string key/value map with Put, Append, Delete, compare-and-swap and Get (a
/// missing key reads as the empty string, so Delete sets it to empty), partitioned per key: the state of one
/// partition is the value of its key.
/// </summary>
public sealed class KvModel : IMonotoneModel<string, KvInput, KvOutput>
{
    public static KvModel Instance { get; } = new();

    public IEqualityComparer<string> StateComparer => StringComparer.Ordinal;

    public string Init() => string.Empty;

    public (bool Ok, string Next) Step(string state, KvInput input, KvOutput? output, bool known) => input.Op switch
    {
        KvOp.Get => (!known || output?.Value == state, state),
        KvOp.Put => (true, input.Value),
        KvOp.Append => (true, state + input.Value),
        KvOp.Delete => (true, string.Empty),
        KvOp.Cas when state == input.Expected => (!known || output?.Swapped == true, input.Value),
        KvOp.Cas => (!known || (output?.Swapped == false && output.Value == state), state),
        _ => (false, state),
    };

    /// <summary>Put and Delete set the value whatever it was; Append and Get only extend it or leave it. A
    /// compare-and-swap is neither: <see cref="Reachable"/> gives up pruning where one may intervene.</summary>
    public bool IsReset(KvInput input, out string after)
    {
        after = input.Op == KvOp.Delete ? string.Empty : input.Value;
        return input.Op is KvOp.Put or KvOp.Delete;
    }

    /// <summary>
    /// Without a Put, a value only grows by appends: a read can only return the current value followed by values of
    /// appends that may still be applied before it (checked as a word break; using an append twice is not ruled out).
    /// </summary>
    public bool Reachable(string state, KvInput input, KvOutput output, IReadOnlyList<KvInput> forward)
    {
        if (input.Op != KvOp.Get || forward.Any(f => f.Op == KvOp.Cas))
        {
            return true;
        }

        var value = output.Value;
        if (!value.StartsWith(state, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = value.AsSpan(state.Length);
        if (rest.IsEmpty)
        {
            return true;
        }

        var reached = new bool[rest.Length + 1];
        reached[0] = true;
        for (var at = 0; at < rest.Length; at++)
        {
            if (!reached[at])
            {
                continue;
            }

            foreach (var append in forward)
            {
                if (append.Op == KvOp.Append && append.Value.Length > 0 && rest[at..].StartsWith(append.Value, StringComparison.Ordinal))
                {
                    reached[at + append.Value.Length] = true;
                }
            }
        }

        return reached[rest.Length];
    }

    public IEnumerable<(string Name, IReadOnlyList<Operation<KvInput, KvOutput>> Operations)> Partition(IReadOnlyList<Operation<KvInput, KvOutput>> history) =>
        history
            .Where(op => op.Completed || op.Input.Op != KvOp.Get) // a read that never returned constrains nothing
            .GroupBy(op => op.Input.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ($"key '{g.Key}'", (IReadOnlyList<Operation<KvInput, KvOutput>>)[.. g]));

    public string DescribeOperation(KvInput input, KvOutput? output, bool known) => input.Op switch
    {
        KvOp.Get => $"Get({input.Key}) -> {(known ? Quote(output?.Value ?? "") : "?")}",
        KvOp.Put => $"Put({input.Key}, {Quote(input.Value)}){(known ? "" : " (never returned)")}",
        KvOp.Delete => $"Delete({input.Key}){(known ? "" : " (never returned)")}",
        KvOp.Cas => $"Cas({input.Key}, {Quote(input.Expected)} -> {Quote(input.Value)}) -> {(!known ? "?" : output!.Swapped ? "swapped" : $"kept {Quote(output.Value)}")}",
        _ => $"Append({input.Key}, {Quote(input.Value)}){(known ? "" : " (never returned)")}",
    };

    public string DescribeState(string state) => Quote(state);

    /// <summary>Checks a key/value history (convenience for <see cref="Checker.Check{TState, TInput, TOutput}"/>).</summary>
    public static CheckResult Check(IReadOnlyList<Operation<KvInput, KvOutput>> history, CheckOptions? options = null) =>
        Checker.Check(Instance, history, options);

    private static string Quote(string s) => s.Length <= 40 ? $"'{s}'" : $"'...{s[^37..]}' ({s.Length} chars)";
}
