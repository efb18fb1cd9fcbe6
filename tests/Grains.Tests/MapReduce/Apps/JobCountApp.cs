using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>jobcount: every map call leaves a file; the reduce counts them, i.e. map executions in the job.</summary>
public sealed class JobCountApp(string scratch) : IMapReduceApp
{
    public const string AppName = "jobcount";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        File.WriteAllBytes(Path.Combine(scratch, $"mr-worker-jobcount-{context.JobId}-{Guid.NewGuid():N}"), []);
        Thread.Sleep(TimeSpan.FromMilliseconds(2000 + Random.Shared.Next(3000)));
        output.Emit("a", "x");
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) =>
        Directory.GetFiles(scratch, $"mr-worker-jobcount-{context.JobId}-*").Length.ToString(CultureInfo.InvariantCulture);
}
