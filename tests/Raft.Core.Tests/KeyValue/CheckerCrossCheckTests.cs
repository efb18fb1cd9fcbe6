using RaftOrleans.Linearizability;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>
/// The checker against a brute-force oracle (every order of the operations that respects real time) on thousands of
/// small random histories, linearizable or not: with and without the monotone pruning, the verdicts must agree.
/// </summary>
public sealed class CheckerCrossCheckTests
{
    [Fact]
    public void AgreesWithBruteForceOnSmallRandomHistories()
    {
        var rng = new Random(42);
        var illegal = 0;
        for (var round = 0; round < 3_000; round++)
        {
            var history = RandomHistory(rng);
            var expected = BruteForce(history);
            var pruned = KvModel.Check(history);
            var plain = Checker.Check(new PlainKvModel(), history);
            Assert.True(expected == pruned.IsLinearizable, $"round {round}: oracle {expected}, checker {pruned.Outcome}: {Show(history)}");
            Assert.True(expected == plain.IsLinearizable, $"round {round}: oracle {expected}, plain checker {plain.Outcome}: {Show(history)}");
            illegal += expected ? 0 : 1;
        }

        // Both kinds of histories were exercised.
        Assert.InRange(illegal, 300, 2_700);
    }

    /// <summary>Larger histories (too large for the oracle): the pruned search agrees with the plain one.</summary>
    [Fact]
    public void PruningNeverChangesTheVerdictOnLargerHistories()
    {
        var rng = new Random(4242);
        var verdicts = new Dictionary<CheckOutcome, int>();
        for (var round = 0; round < 1_500; round++)
        {
            var history = RandomHistory(rng, 8 + rng.Next(7));
            var options = new CheckOptions { MaxStepsPerPartition = 2_000_000 };
            var pruned = KvModel.Check(history, options);
            var plain = Checker.Check(new PlainKvModel(), history, options);
            if (plain.Outcome != CheckOutcome.Unknown)
            {
                Assert.True(plain.Outcome == pruned.Outcome, $"round {round}: plain {plain.Outcome}, pruned {pruned.Outcome}: {Show(history)}");
            }

            verdicts[plain.Outcome] = verdicts.GetValueOrDefault(plain.Outcome) + 1;
        }

        Assert.True(verdicts.GetValueOrDefault(CheckOutcome.Ok) > 50 && verdicts.GetValueOrDefault(CheckOutcome.Illegal) > 50, string.Join(", ", verdicts));
    }

    private static List<Operation<KvInput, KvOutput>> RandomHistory(Random rng, int? size = null)
    {
        var count = size ?? 1 + rng.Next(7);
        var ops = new List<(KvInput Input, long Call, long Return, bool Pending, long At)>();
        for (var i = 0; i < count; i++)
        {
            var call = (long)rng.Next(3 * count);
            var ret = call + rng.Next(10);
            var input = rng.Next(5) switch
            {
                0 => KvInput.Get("k"),
                1 => KvInput.Put("k", rng.Next(2) == 0 ? "a" : "b"),
                2 => KvInput.Append("k", rng.Next(2) == 0 ? "a" : "b"),
                3 => rng.Next(2) == 0 ? KvInput.Delete("k") : KvInput.Append("k", "a"),
                _ => KvInput.Cas("k", rng.Next(3) switch { 0 => "", 1 => "a", _ => "b" }, rng.Next(2) == 0 ? "a" : "ab"),
            };
            ops.Add((input, call, ret, rng.Next(10) == 0, call + rng.Next((int)(ret - call) + 1)));
        }

        // Outputs of a serial execution at random instants inside the intervals (a pending op may never happen),
        // then sometimes one read is changed: the result may or may not be linearizable.
        var value = "";
        var outputs = new string[count];
        var swapped = new bool[count];
        foreach (var i in Enumerable.Range(0, count).OrderBy(i => ops[i].At).ThenBy(_ => rng.Next()))
        {
            if (ops[i].Pending && rng.Next(2) == 0)
            {
                continue;
            }

            outputs[i] = value;
            swapped[i] = ops[i].Input.Op == KvOp.Cas && value == ops[i].Input.Expected;
            value = ops[i].Input.Op switch
            {
                KvOp.Put => ops[i].Input.Value,
                KvOp.Append => value + ops[i].Input.Value,
                KvOp.Delete => "",
                KvOp.Cas when swapped[i] => ops[i].Input.Value,
                _ => value,
            };
        }

        var reads = Enumerable.Range(0, count).Where(i => ops[i].Input.Op is KvOp.Get or KvOp.Cas && !ops[i].Pending).ToList();
        if (reads.Count > 0 && rng.Next(2) == 0)
        {
            string[] candidates = ["", "a", "b", "ab", "ba", "aa", "bb", "aab", "abb", "bab", "abab"];
            var changed = reads[rng.Next(reads.Count)];
            outputs[changed] = candidates[rng.Next(candidates.Length)];
            if (ops[changed].Input.Op == KvOp.Cas && rng.Next(2) == 0)
            {
                swapped[changed] = !swapped[changed];
            }
        }

        return [.. ops.Select((o, i) => o.Pending
            ? Operation<KvInput, KvOutput>.Pending(i, o.Input, o.Call)
            : Operation<KvInput, KvOutput>.Returned(i, o.Input, o.Call, o.Input.Op switch
            {
                KvOp.Get => new KvOutput(outputs[i] ?? ""),
                KvOp.Cas => KvOutput.CasResult(swapped[i], outputs[i] ?? ""),
                _ => KvOutput.Done,
            }, o.Return))];
    }

    /// <summary>Tries every order in which no operation precedes one that returned before it was called.</summary>
    private static bool BruteForce(List<Operation<KvInput, KvOutput>> history)
    {
        bool Search(List<Operation<KvInput, KvOutput>> remaining, string state)
        {
            if (remaining.Count == 0)
            {
                return true;
            }

            foreach (var op in remaining)
            {
                if (remaining.Any(o => o.Return is { } r && r < op.Call))
                {
                    continue; // some remaining operation returned before this one was called: it must go first
                }

                var (ok, next) = KvModel.Instance.Step(state, op.Input, op.Output, op.Completed);
                if (ok && Search([.. remaining.Where(o => !ReferenceEquals(o, op))], next))
                {
                    return true;
                }
            }

            return false;
        }

        return Search(history, "");
    }

    private static string Show(List<Operation<KvInput, KvOutput>> history) =>
        string.Join("; ", history.Select(o => $"{KvModel.Instance.DescribeOperation(o.Input, o.Output, o.Completed)} [{o.Call}..{o.Return?.ToString() ?? "never"}]"));

    /// <summary>The key/value model without its pruning knowledge.</summary>
    private sealed class PlainKvModel : IModel<string, KvInput, KvOutput>
    {
        public IEqualityComparer<string> StateComparer => KvModel.Instance.StateComparer;

        public string Init() => KvModel.Instance.Init();

        public (bool Ok, string Next) Step(string state, KvInput input, KvOutput? output, bool known) =>
            KvModel.Instance.Step(state, input, output, known);

        public IEnumerable<(string Name, IReadOnlyList<Operation<KvInput, KvOutput>> Operations)> Partition(IReadOnlyList<Operation<KvInput, KvOutput>> history) =>
            KvModel.Instance.Partition(history);

        public string DescribeOperation(KvInput input, KvOutput? output, bool known) => KvModel.Instance.DescribeOperation(input, output, known);

        public string DescribeState(string state) => KvModel.Instance.DescribeState(state);
    }
}
