using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>mtiming: each map reports which worker ran it and how many workers were mapping at once.</summary>
public sealed class MapTimingApp(string scratch) : IMapReduceApp
{
    public const string AppName = "mtiming";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        var prefix = $"mr-worker-map-{context.JobId}-";
        var marker = Markers.Create(scratch, prefix, context.WorkerId);
        var start = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var parallel = Markers.DistinctWorkers(scratch, prefix);
        File.Delete(marker);
        var worker = Markers.Encode(context.WorkerId);
        output.Emit($"times-{worker}", start);
        output.Emit($"parallel-{worker}", parallel.ToString(CultureInfo.InvariantCulture));
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) =>
        string.Join(' ', values.Order(StringComparer.Ordinal));
}
