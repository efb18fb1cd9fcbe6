using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using RaftOrleans.Raft.Diagnostics;

namespace RaftOrleans.Grains.Tests.Raft.Diagnostics;

/// <summary>Every measurement of the Raft instruments tagged with one group, while it lives (other tests' groups run alongside).</summary>
internal sealed class RecordedMetrics : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (long Count, double Sum)> _totals = new(StringComparer.Ordinal);

    public RecordedMetrics(string group)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RaftMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, group));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags, group));
        _listener.Start();
    }

    /// <summary>How many measurements the instrument took for the group.</summary>
    public long Count(string instrument) => _totals.GetValueOrDefault(instrument).Count;

    /// <summary>The sum of the instrument's measurements for the group.</summary>
    public double Sum(string instrument) => _totals.GetValueOrDefault(instrument).Sum;

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string group)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == RaftMetrics.GroupTag && (string?)tag.Value == group)
            {
                _totals.AddOrUpdate(instrument.Name, (1, value), (_, t) => (t.Count + 1, t.Sum + value));
                return;
            }
        }
    }
}
