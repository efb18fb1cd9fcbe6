using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Raft.Diagnostics;
using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Grains.Tests.Raft.Diagnostics;

public sealed class RaftMetricsLogTests
{
    [Fact]
    public async Task EachPeriod_LogsTheProcessTotalsAsNameValuePairs()
    {
        var logger = new LineLogger();
        using var log = new RaftMetricsLog(Options.Create(new RaftOptions { MetricsLogPeriod = TimeSpan.FromMilliseconds(20) }), logger);
        await log.StartAsync(CancellationToken.None);
        RaftMetrics.Proposals.Add(3, new KeyValuePair<string, object?>(RaftMetrics.GroupTag, "metrics-log"));
        RaftMetrics.SaveEntries.Record(7, new KeyValuePair<string, object?>(RaftMetrics.GroupTag, "metrics-log"));

        // Other tests' groups add to the same process-wide totals: at least ours are in them.
        var line = await logger.NextAsync(l => Total(l, "raft.proposals") >= 3 && Total(l, "raft.storage.save.entries.count") >= 1).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith(RaftMetricsLog.Prefix, line, StringComparison.Ordinal);
        Assert.True(Total(line, "raft.storage.save.entries.sum") >= 7, line);
        await log.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WithoutAPeriod_LogsNothing()
    {
        var logger = new LineLogger();
        using var log = new RaftMetricsLog(Options.Create(new RaftOptions()), logger);
        await log.StartAsync(CancellationToken.None);
        RaftMetrics.Proposals.Add(1, new KeyValuePair<string, object?>(RaftMetrics.GroupTag, "metrics-log-off"));
        await log.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(logger.Lines);
    }

    private static double Total(string line, string name) =>
        line[RaftMetricsLog.Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair[0] == name)
            .Select(pair => double.Parse(pair[1], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(-1)
            .Single();

    private sealed class LineLogger : ILogger<RaftMetricsLog>
    {
        private readonly Lock _lock = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waits = [];

        public List<string> Lines { get; } = [];

        public Task<string> NextAsync(Func<string, bool> match)
        {
            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waits.Add((match, seen));
            }

            return seen.Task;
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            lock (_lock)
            {
                Lines.Add(line);
                foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
                {
                    _waits.Remove(wait);
                    wait.Seen.TrySetResult(line);
                }
            }
        }
    }
}
