using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>rtiming: each reduce returns how many workers were reducing at the same time as it.</summary>
public sealed class ReduceTimingApp(string scratch) : IMapReduceApp
{
    public const string AppName = "rtiming";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        foreach (var key in "abcdefghij")
        {
            output.Emit(key.ToString(), "1");
        }
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values)
    {
        var prefix = $"mr-worker-reduce-{context.JobId}-";
        var marker = Markers.Create(scratch, prefix, context.WorkerId);
        Thread.Sleep(TimeSpan.FromSeconds(1));
        var parallel = Markers.DistinctWorkers(scratch, prefix);
        File.Delete(marker);
        return parallel.ToString(CultureInfo.InvariantCulture);
    }
}
