using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>steady: each map works for <see cref="Duration"/>, emitting a record every 100 ms: long, never silent.</summary>
public sealed class SteadyApp : IMapReduceApp
{
    public const string AppName = "steady";

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(5);

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        var until = DateTime.UtcNow + Duration;
        for (var n = 0; DateTime.UtcNow < until; n++)
        {
            output.Emit(fileName, n.ToString(CultureInfo.InvariantCulture));
            Thread.Sleep(TimeSpan.FromMilliseconds(100));
        }
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) => values.Count.ToString(CultureInfo.InvariantCulture);
}
