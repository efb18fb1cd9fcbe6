using System.Collections.Concurrent;
using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>gated: every map of a job waits until the test opens that job's gate (silos share this process).</summary>
public sealed class GatedApp : IMapReduceApp
{
    public const string AppName = "gated";

    private static readonly ConcurrentDictionary<string, ManualResetEventSlim> Gates = new(StringComparer.Ordinal);

    public static void Open(string jobId) => Gate(jobId).Set();

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        if (!Gate(context.JobId).Wait(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException($"the gate of job {context.JobId} never opened");
        }

        output.Emit(fileName, "1");
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) =>
        values.Count.ToString(CultureInfo.InvariantCulture);

    private static ManualResetEventSlim Gate(string jobId) => Gates.GetOrAdd(jobId, _ => new ManualResetEventSlim());
}
