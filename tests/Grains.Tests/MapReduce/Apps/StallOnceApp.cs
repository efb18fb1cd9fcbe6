using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>stall_once: the first attempt of map task 0 goes silent for <see cref="Stall"/> before it works; every other attempt works at once.</summary>
public sealed class StallOnceApp : IMapReduceApp
{
    public const string AppName = "stall_once";

    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(8);

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        if (context.Index == 0 && context.Attempt == 1)
        {
            Thread.Sleep(Stall);
        }

        output.Emit(fileName, "1");
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) =>
        values.Count.ToString(CultureInfo.InvariantCulture);
}
