using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RaftOrleans.Linearizability;

/// <summary>
/// Decides whether a history is linearizable with respect to a model: Wing &amp; Gong's depth-first search over the
/// operations that may take effect next, with backtracking, and Lowe's memoization of (set of linearized operations,
/// model state) so that a configuration is explored once. Each partition of the history is checked on its own.
/// </summary>
public static class Checker
{
    public static CheckResult Check<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> history,
        CheckOptions? options = null)
        where TState : notnull
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        options ??= CheckOptions.Default;
        foreach (var op in history)
        {
            if (op.Return is { } r && r < op.Call)
            {
                throw new ArgumentException($"Operation {op} returns before it is called.", nameof(history));
            }
        }

        var watch = Stopwatch.StartNew();
        var deadline = options.Timeout is { } t ? watch.Elapsed + t : TimeSpan.MaxValue;
        var results = new List<PartitionResult>();
        foreach (var (name, operations) in model.Partition(history))
        {
            var search = new Search<TState, TInput, TOutput>(model, operations, options.MaxStepsPerPartition, watch, deadline);
            var (outcome, explanation) = search.Run();
            results.Add(new PartitionResult(name, operations.Count, outcome, search.Steps, explanation));
            if (outcome == CheckOutcome.Illegal)
            {
                break;
            }
        }

        var overall = results.Any(r => r.Outcome == CheckOutcome.Illegal) ? CheckOutcome.Illegal
            : results.Any(r => r.Outcome == CheckOutcome.Unknown) ? CheckOutcome.Unknown
            : CheckOutcome.Ok;
        return new CheckResult(overall, results, watch.Elapsed);
    }

    /// <summary>A call or return event in the doubly linked event list the search removes operations from.</summary>
    private sealed class Event
    {
        public int Op { get; init; }

        public bool IsCall { get; init; }

        /// <summary>For a call: its return event.</summary>
        public Event? Match { get; set; }

        public Event? Prev { get; set; }

        public Event? Next { get; set; }
    }

    private sealed class Search<TState, TInput, TOutput>
        where TState : notnull
    {
        private readonly IModel<TState, TInput, TOutput> _model;
        private readonly IReadOnlyList<Operation<TInput, TOutput>> _ops;
        private readonly long _maxSteps;
        private readonly Stopwatch _watch;
        private readonly TimeSpan _deadline;
        private readonly Event _head = new() { Op = -1 };
        private readonly IMonotoneModel<TState, TInput, TOutput>? _monotone;
        private readonly List<TState> _resets = [];
        private readonly List<TInput> _forward = [];
        private readonly int[] _pending;

        public Search(IModel<TState, TInput, TOutput> model, IReadOnlyList<Operation<TInput, TOutput>> ops, long maxSteps, Stopwatch watch, TimeSpan deadline)
        {
            _model = model;
            _ops = ops;
            _maxSteps = maxSteps;
            _watch = watch;
            _deadline = deadline;
            _monotone = model as IMonotoneModel<TState, TInput, TOutput>;
            _pending = [.. Enumerable.Range(0, ops.Count).Where(i => !ops[i].Completed)];
        }

        public long Steps { get; private set; }

        public (CheckOutcome Outcome, string? Explanation) Run()
        {
            BuildEvents();
            var n = _ops.Count;
            var cache = new HashSet<(Bitset Set, TState State)>(new CacheComparer<TState>(_model.StateComparer));

            // One frame per placed operation (plus the root): the state and set after it, the operations that may go
            // next (those called before the earliest return still in the list), tried earliest-return first so that
            // an operation with a long interval is placed as late as it can be, and the one placed from this frame.
            var frames = new Stack<Frame>();
            frames.Push(new Frame(_model.Init(), new Bitset(n), null, Candidates(), _ops.Count(o => o.Completed)));

            // The deepest point reached, for the explanation of a failure.
            var best = -1;
            var bestOrder = Array.Empty<int>();
            var bestState = frames.Peek().State;
            var bestBlocker = -1;
            var lastPrune = (Depth: -1, Candidate: -1, Victim: -1);
            var bestPrune = lastPrune;

            // Done when every completed operation is placed: the never-returned ones left need not take effect.
            while (frames.Peek().RemainingCompleted > 0)
            {
                if (++Steps > _maxSteps)
                {
                    return (CheckOutcome.Unknown, $"step budget of {_maxSteps} exhausted after linearizing at most {Math.Max(best, 0)} of {n} operations");
                }

                if ((Steps & 0x3FF) == 0 && _watch.Elapsed > _deadline)
                {
                    return (CheckOutcome.Unknown, $"timed out after {Steps} steps, having linearized at most {Math.Max(best, 0)} of {n} operations");
                }

                var frame = frames.Peek();
                if (frame.Next < frame.Candidates.Count)
                {
                    var entry = frame.Candidates[frame.Next++];
                    var op = _ops[entry.Op];
                    var (ok, next) = _model.Step(frame.State, op.Input, op.Output, op.Completed);
                    if (!ok)
                    {
                        continue;
                    }

                    var linearized = frame.Linearized.With(entry.Op);
                    if (!cache.Add((linearized, next)) || Dominated(cache, linearized, next))
                    {
                        continue;
                    }

                    Lift(entry);
                    var victim = Unreachable(next);
                    if (victim >= 0)
                    {
                        Unlift(entry);
                        lastPrune = (frames.Count - 1, entry.Op, victim);
                        continue;
                    }

                    frames.Push(new Frame(next, linearized, entry, Candidates(), frame.RemainingCompleted - (op.Completed ? 1 : 0)));
                    continue;
                }

                // Every operation that could go next failed: the earliest return still in the list cannot be met from
                // here. Record how far we got, then undo the last placement.
                var depth = frames.Count - 1;
                if (depth > best)
                {
                    best = depth;
                    bestOrder = [.. frames.Where(f => f.Placed is not null).Select(f => f.Placed!.Op).Reverse()];
                    bestState = frame.State;
                    bestBlocker = FirstReturn()?.Op ?? -1;
                    bestPrune = lastPrune.Depth == depth ? lastPrune : (-1, -1, -1);
                }

                if (frame.Placed is null)
                {
                    return (CheckOutcome.Illegal, Explain(best, bestOrder, bestState, bestBlocker, bestPrune.Candidate, bestPrune.Victim));
                }

                frames.Pop();
                Unlift(frame.Placed);
            }

            return (CheckOutcome.Ok, null);
        }

        /// <summary>
        /// Whether the same state was already reached with one fewer never-returned operation placed. That
        /// configuration can do anything this one can (the never-returned operation can always go last, i.e. never take
        /// effect), and it was explored already (it failed) or is being explored (an ancestor).
        /// </summary>
        private bool Dominated(HashSet<(Bitset Set, TState State)> cache, Bitset linearized, TState state)
        {
            foreach (var p in _pending)
            {
                if (linearized.Contains(p) && cache.Contains((linearized.Without(p), state)))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The call events before the first return event of the list, earliest return first.</summary>
        private List<Event> Candidates()
        {
            var candidates = new List<Event>();
            for (var e = _head.Next; e is not null && e.IsCall; e = e.Next)
            {
                candidates.Add(e);
            }

            candidates.Sort((x, y) =>
            {
                var byReturn = (_ops[x.Op].Return ?? long.MaxValue).CompareTo(_ops[y.Op].Return ?? long.MaxValue);
                return byReturn != 0 ? byReturn : _ops[x.Op].Call.CompareTo(_ops[y.Op].Call);
            });
            return candidates;
        }

        private Event? FirstReturn()
        {
            var e = _head.Next;
            while (e is not null && e.IsCall)
            {
                e = e.Next;
            }

            return e;
        }

        /// <summary>
        /// With a monotone model: each of the next completed operations still to place must be reachable from
        /// <paramref name="state"/> by forward moves, or from the state of a remaining reset called before it returned
        /// (the last reset placed before it, if any, is one of those). Only the first few are checked, which keeps a
        /// step cheap; skipping a check never changes a verdict.
        /// </summary>
        /// <returns>An operation that could no longer be linearized, or -1.</returns>
        private int Unreachable(TState state)
        {
            if (_monotone is null)
            {
                return -1;
            }

            _resets.Clear();
            _forward.Clear();
            var checkedOps = 0;
            var walked = 0;
            for (var e = _head.Next; e is not null && checkedOps < 64 && walked < 512; e = e.Next, walked++)
            {
                var op = _ops[e.Op];
                if (e.IsCall)
                {
                    if (_monotone.IsReset(op.Input, out var after))
                    {
                        _resets.Add(after);
                    }
                    else
                    {
                        _forward.Add(op.Input);
                    }

                    continue;
                }

                if (op.Completed)
                {
                    checkedOps++;
                    if (!_monotone.Reachable(state, op.Input, op.Output!, _forward) && !_resets.Any(r => _monotone.Reachable(r, op.Input, op.Output!, _forward)))
                    {
                        return e.Op;
                    }
                }
            }

            return -1;
        }

        private void BuildEvents()
        {
            // Calls sort before returns at the same instant: operations whose intervals touch count as concurrent.
            var events = new List<(long Time, int Kind, int Op)>(_ops.Count * 2);
            for (var i = 0; i < _ops.Count; i++)
            {
                events.Add((_ops[i].Call, 0, i));
                events.Add((_ops[i].Return ?? long.MaxValue, 1, i));
            }

            events.Sort();
            var calls = new Event[_ops.Count];
            var previous = _head;
            foreach (var (_, kind, op) in events)
            {
                var e = new Event { Op = op, IsCall = kind == 0, Prev = previous };
                if (e.IsCall)
                {
                    calls[op] = e;
                }
                else
                {
                    calls[op].Match = e;
                }

                previous.Next = e;
                previous = e;
            }
        }

        private static void Lift(Event call)
        {
            call.Prev!.Next = call.Next;
            call.Next!.Prev = call.Prev;
            var ret = call.Match!;
            ret.Prev!.Next = ret.Next;
            if (ret.Next is not null)
            {
                ret.Next.Prev = ret.Prev;
            }
        }

        private static void Unlift(Event call)
        {
            var ret = call.Match!;
            ret.Prev!.Next = ret;
            if (ret.Next is not null)
            {
                ret.Next.Prev = ret;
            }

            call.Prev!.Next = call;
            call.Next!.Prev = call;
        }

        private string Explain(int best, int[] order, TState state, int blocker, int prunedCandidate, int prunedVictim)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"no linearization: at most {best} of {_ops.Count} operations linearize");
            if (order.Length > 0)
            {
                const int Shown = 5;
                text.Append(CultureInfo.InvariantCulture, $"; the longest prefix ends with {(order.Length > Shown ? "... " : "")}");
                text.AppendJoin(", ", order.TakeLast(Shown).Select(Describe));
            }

            text.Append(CultureInfo.InvariantCulture, $"; state then {_model.DescribeState(state)}");
            if (blocker >= 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"; nothing can be placed before {Describe(blocker)} returns");
                var linearized = new HashSet<int>(order);
                var stuck = Enumerable.Range(0, _ops.Count)
                    .Where(i => !linearized.Contains(i) && _ops[i].Call <= _ops[blocker].Return)
                    .OrderBy(i => _ops[i].Call)
                    .Take(6)
                    .ToList();
                text.Append("; operations that would have to go next: ");
                text.AppendJoin(", ", stuck.Select(Describe));
            }

            if (prunedCandidate >= 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"; placing {Describe(prunedCandidate)} next would leave {Describe(prunedVictim)} impossible");
            }

            return text.ToString();
        }

        private string Describe(int i)
        {
            var op = _ops[i];
            var ret = op.Return is { } r ? r.ToString(CultureInfo.InvariantCulture) : "never";
            return $"[client {op.ClientId} {op.Call}..{ret}] {_model.DescribeOperation(op.Input, op.Output, op.Completed)}";
        }

        private sealed class Frame(TState state, Bitset linearized, Event? placed, List<Event> candidates, int remainingCompleted)
        {
            /// <summary>Completed operations not placed yet.</summary>
            public int RemainingCompleted { get; } = remainingCompleted;

            public TState State { get; } = state;

            public Bitset Linearized { get; } = linearized;

            /// <summary>The call event placed to reach this frame (null for the root).</summary>
            public Event? Placed { get; } = placed;

            public List<Event> Candidates { get; } = candidates;

            /// <summary>Index of the next candidate to try.</summary>
            public int Next { get; set; }
        }
    }

    private sealed class CacheComparer<TState>(IEqualityComparer<TState> states) : IEqualityComparer<(Bitset Set, TState State)>
    {
        public bool Equals((Bitset Set, TState State) x, (Bitset Set, TState State) y) =>
            x.Set.Equals(y.Set) && states.Equals(x.State, y.State);

        public int GetHashCode((Bitset Set, TState State) obj) =>
            HashCode.Combine(obj.Set.GetHashCode(), obj.State is null ? 0 : states.GetHashCode(obj.State));
    }
}
