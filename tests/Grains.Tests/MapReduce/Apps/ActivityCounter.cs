namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>Counts app calls in progress anywhere in the test process, and lets a test await quiet.</summary>
public sealed class ActivityCounter
{
    private readonly Lock _lock = new();
    private int _active;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public int Active
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
    }

    public Task WhenIdle
    {
        get
        {
            lock (_lock)
            {
                return _idle.Task;
            }
        }
    }

    public IDisposable Enter()
    {
        lock (_lock)
        {
            if (_active++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        return new Exit(this);
    }

    private void Leave()
    {
        lock (_lock)
        {
            if (--_active == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private sealed class Exit(ActivityCounter counter) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                counter.Leave();
            }
        }
    }
}
