using System.Diagnostics;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// When this test process itself did not run: a dedicated thread that asks to wake every 10 ms and woke over 100 ms
/// late means the process was descheduled or stopped for a garbage collection (on 2 cores shared with several silos
/// and Redis). Meanwhile its clerks can complete no write whatever the cluster does, so such a stall inside a gap
/// says nothing about the cluster's availability.
/// </summary>
internal sealed class ObserverStalls : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(100);

    private readonly Stopwatch _clock;
    private readonly List<(TimeSpan Start, TimeSpan End)> _stalls = [];
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;

    public ObserverStalls(Stopwatch clock)
    {
        _clock = clock;
        _thread = new Thread(Run) { IsBackground = true, Name = "observer-stalls" };
        _thread.Start();
    }

    /// <summary>How much of [<paramref name="from"/>, <paramref name="to"/>] this process spent stalled.</summary>
    public TimeSpan Within(TimeSpan from, TimeSpan to)
    {
        lock (_stalls)
        {
            return _stalls
                .Select(s => (Start: s.Start > from ? s.Start : from, End: s.End < to ? s.End : to))
                .Where(s => s.End > s.Start)
                .Aggregate(TimeSpan.Zero, (sum, s) => sum + (s.End - s.Start));
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }

    private void Run()
    {
        var last = _clock.Elapsed;
        while (!_stop.Wait(Period))
        {
            var now = _clock.Elapsed;
            var late = now - last - Period;
            if (late > Threshold)
            {
                lock (_stalls)
                {
                    _stalls.Add((last + Period, now));
                }
            }

            last = now;
        }
    }
}
