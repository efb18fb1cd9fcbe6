using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Raft.Diagnostics;

/// <summary>
/// Logs this process's totals of the Raft instruments once per <see cref="RaftOptions.MetricsLogPeriod"/>, as one
/// line of <c>name=value</c> pairs (histograms as <c>name.count</c> and <c>name.sum</c>): for silos that no metrics
/// collector watches, and for the benchmark, which reads the line from the silo processes it starts.
/// </summary>
internal sealed partial class RaftMetricsLog(IOptions<RaftOptions> options, ILogger<RaftMetricsLog> logger) : BackgroundService
{
    public const string Prefix = "Raft metrics:";

    private readonly ConcurrentDictionary<string, Total> _totals = new(StringComparer.Ordinal);

    private MeterListener? _listener;

    /// <summary>Starts listening before it returns, so that nothing measured after the silo started is missed.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MetricsLogPeriod > TimeSpan.Zero)
        {
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == RaftMetrics.MeterName)
                    {
                        listener.EnableMeasurementEvents(instrument, _totals.GetOrAdd(instrument.Name, _ => new Total(instrument is Histogram<long> or Histogram<double>)));
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, state) => ((Total)state!).Add(value));
            _listener.SetMeasurementEventCallback<double>((_, value, _, state) => ((Total)state!).Add(value));
            _listener.Start();
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_listener is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.MetricsLogPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                LogTotals(logger, Format());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private string Format() => string.Join(' ', _totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Value.Format(t.Key)));

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = Prefix + " {Totals}")]
    private static partial void LogTotals(ILogger logger, string totals);

    /// <summary>A counter's sum, or a histogram's count and sum.</summary>
    private sealed class Total(bool histogram)
    {
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;

        public void Add(double value)
        {
            lock (_lock)
            {
                _count++;
                _sum += value;
            }
        }

        public string Format(string name)
        {
            lock (_lock)
            {
                return histogram
                    ? string.Create(CultureInfo.InvariantCulture, $"{name}.count={_count} {name}.sum={_sum:0.###}")
                    : string.Create(CultureInfo.InvariantCulture, $"{name}={_sum:0.###}");
            }
        }
    }
}
