using System.Globalization;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>straggler: a word count whose every task is slow (silent for <see cref="Delay"/>) on the silo <see cref="SlowSilo"/>.</summary>
public sealed class StragglerApp : IMapReduceApp
{
    public const string AppName = "straggler";

    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(8);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Stalled = new(StringComparer.Ordinal);

    private readonly WordCountApp _words = new();

    /// <summary>The parsable address of the slow silo; null: none.</summary>
    public static string? SlowSilo { get; set; }

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        StallIfSlow(context);
        _words.Map(context, fileName, contents, output);
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values)
    {
        // Once per reduce attempt, at its first key.
        if (Stalled.TryAdd($"{context.JobId}/{context.Index}/{context.Attempt}", true))
        {
            StallIfSlow(context);
        }

        return values.Sum(v => long.Parse(v, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
    }

    private static void StallIfSlow(TaskContext context)
    {
        if (context.WorkerId == SlowSilo)
        {
            Thread.Sleep(Delay);
        }
    }
}
