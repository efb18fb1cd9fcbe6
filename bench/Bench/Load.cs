using System.Diagnostics;
using System.Globalization;

namespace RaftOrleans.Bench;

/// <summary>One measured cell: throughput and latency percentiles of a closed loop of concurrent callers.</summary>
internal sealed record LoadResult(int Callers, double OpsPerSecond, double P50Ms, double P99Ms, long Ops, long Errors)
{
    /// <summary>Failures by kind during the whole cell (warm-up included), e.g. "NotLeader×3".</summary>
    public string FailureKinds { get; init; } = string.Empty;

    public string Rate => OpsPerSecond.ToString("#,0", CultureInfo.InvariantCulture);

    public string P50 => P50Ms.ToString("0.00", CultureInfo.InvariantCulture);

    public string P99 => P99Ms.ToString("0.00", CultureInfo.InvariantCulture);
}

internal static class Load
{
    /// <summary>Failures by kind in the running cell; operations add to it.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, long> Failures { get; } = new();

    public static void Fail(string kind) => Failures.AddOrUpdate(kind, 1, (_, n) => n + 1);

    public static TimeSpan Warmup { get; set; } = TimeSpan.FromSeconds(1);

    public static TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Runs <paramref name="callers"/> closed-loop callers of <paramref name="op"/> (each awaits its call before the
    /// next); counts and times the calls that start and finish within the measured window after the warm-up.
    /// <paramref name="op"/> returns false for a failed call (counted as an error, not timed).
    /// </summary>
    public static async Task<LoadResult> RunAsync(int callers, Func<int, Task<bool>> op, TimeSpan? duration = null)
    {
        var measure = duration ?? Duration;
        Failures.Clear();
        var clock = Stopwatch.StartNew();
        var start = Warmup.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        var end = start + (measure.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
        var latencies = new List<long>[callers];
        var errors = new long[callers];
        var workers = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var caller = i;
            latencies[caller] = new List<long>(4096);
            workers[caller] = Task.Run(async () =>
            {
                while (true)
                {
                    var t0 = clock.ElapsedTicks;
                    if (t0 >= end)
                    {
                        return;
                    }

                    bool ok;
                    try
                    {
                        ok = await op(caller);
                    }
                    catch (Exception e)
                    {
                        Fail(e.GetType().Name);
                        ok = false;
                    }

                    var t1 = clock.ElapsedTicks;
                    if (t0 >= start && t1 <= end)
                    {
                        if (ok)
                        {
                            latencies[caller].Add(t1 - t0);
                        }
                        else
                        {
                            errors[caller]++;
                        }
                    }

                    if (!ok)
                    {
                        await Task.Delay(5);
                    }
                }
            });
        }

        await Task.WhenAll(workers);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Pct(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Min(all.Length - 1, (int)(p * all.Length))]);
        return new LoadResult(callers, all.Length / measure.TotalSeconds, Pct(0.50), Pct(0.99), all.Length, errors.Sum())
        {
            FailureKinds = string.Join(", ", Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key}×{f.Value}")),
        };
    }

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static int ArgInt(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string? ArgString(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static bool Flag(string[] args, string name) => args.Contains(name);
}
