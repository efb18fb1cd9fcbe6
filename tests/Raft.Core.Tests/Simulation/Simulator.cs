namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// A discrete-event simulator: virtual time in milliseconds and a priority queue of actions. Actions scheduled for the
/// same instant run in scheduling order, so a run is a pure function of the seed.
/// </summary>
public sealed class Simulator
{
    private readonly PriorityQueue<Action, (long Time, long Seq)> _queue = new();
    private long _seq;

    /// <summary>Current virtual time in milliseconds.</summary>
    public long Now { get; private set; }

    /// <summary>Number of events executed so far.</summary>
    public long Events { get; private set; }

    public void At(long time, Action action) => _queue.Enqueue(action, (Math.Max(time, Now), _seq++));

    public void After(long delay, Action action) => At(Now + delay, action);

    /// <summary>Runs every event up to and including <paramref name="time"/>, then sets the clock to it.</summary>
    public void RunUntil(long time)
    {
        while (_queue.TryPeek(out _, out var key) && key.Time <= time)
        {
            var action = _queue.Dequeue();
            Now = key.Time;
            Events++;
            action();
        }

        Now = Math.Max(Now, time);
    }

    /// <summary>Runs events while <paramref name="notDone"/> holds (checked after each event) or the queue is empty.</summary>
    public void RunWhile(Func<bool> notDone)
    {
        while (notDone() && _queue.TryDequeue(out var action, out var key))
        {
            Now = key.Time;
            Events++;
            action();
        }
    }

    /// <summary>
    /// Starts a coroutine: each yielded value is a virtual sleep in milliseconds. The first step runs at the current
    /// instant (after the events already queued for it).
    /// </summary>
    public CoroutineHandle Spawn(IEnumerable<long> coroutine)
    {
        var handle = new CoroutineHandle();
        var enumerator = coroutine.GetEnumerator();
        void Step()
        {
            if (enumerator.MoveNext())
            {
                After(Math.Max(0, enumerator.Current), Step);
            }
            else
            {
                handle.Done = true;
                enumerator.Dispose();
            }
        }

        After(0, Step);
        return handle;
    }
}
