using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>early_exit: two reduce keys are slow; the job must not be done before they are.</summary>
public sealed class EarlyExitApp : IMapReduceApp
{
    public const string AppName = "early_exit";

    public static ActivityCounter Activity { get; } = new();

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        using var _ = Activity.Enter();
        output.Emit(fileName, "1");
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values)
    {
        using var _ = Activity.Enter();
        if (key.Contains("sherlock", StringComparison.Ordinal) || key.Contains("tom", StringComparison.Ordinal))
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
        }

        return values.Count.ToString(CultureInfo.InvariantCulture);
    }
}
