namespace RaftOrleans.Linearizability;

/// <summary>
/// Records a history from concurrent clients, thread-safely. Call <see cref="Invoke"/> just before sending a request
/// and <see cref="Complete"/> just after its reply arrives; an operation never completed stays pending (it may or may
/// not have taken effect). Without a clock, times come from one atomic counter, which orders the events exactly as
/// they were recorded (the tightest real-time order); with a clock (e.g. virtual time), equal times count as concurrent.
/// </summary>
public sealed class HistoryRecorder<TInput, TOutput>(Func<long>? clock = null)
{
    private readonly Lock _lock = new();
    private readonly List<Operation<TInput, TOutput>> _ops = [];
    private readonly HashSet<int> _discarded = [];
    private long _counter;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ops.Count;
            }
        }
    }

    /// <summary>Records the call of an operation and returns its handle for <see cref="Complete"/>.</summary>
    public int Invoke(int clientId, TInput input)
    {
        lock (_lock)
        {
            _ops.Add(Operation<TInput, TOutput>.Pending(clientId, input, Now()));
            return _ops.Count - 1;
        }
    }

    /// <summary>Records the return of the operation <paramref name="handle"/> with its output.</summary>
    public void Complete(int handle, TOutput output)
    {
        lock (_lock)
        {
            var op = _ops[handle];
            if (op.Completed)
            {
                throw new InvalidOperationException($"Operation {handle} already completed.");
            }

            _ops[handle] = op with { Output = output, Return = Now() };
        }
    }

    /// <summary>
    /// The operation <paramref name="handle"/> was refused with the system's promise that it took no effect: it leaves
    /// the history, so that the checker holds the system to that promise (an effect of it seen later is a violation).
    /// </summary>
    public void Discard(int handle)
    {
        lock (_lock)
        {
            _discarded.Add(handle);
        }
    }

    /// <summary>A copy of the history so far (pending operations included, discarded ones not).</summary>
    public IReadOnlyList<Operation<TInput, TOutput>> History()
    {
        lock (_lock)
        {
            return [.. _ops.Where((_, handle) => !_discarded.Contains(handle))];
        }
    }

    private long Now() => clock?.Invoke() ?? ++_counter;
}
