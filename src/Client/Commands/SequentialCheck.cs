using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;

namespace RaftOrleans.Client.Commands;

/// <summary>Runs the job's app single-threaded over the same inputs (the lab's mrsequential) and compares.</summary>
internal static class SequentialCheck
{
    private static readonly IReadOnlyDictionary<string, IMapReduceApp> BuiltInApps = new Dictionary<string, IMapReduceApp>
    {
        [WordCountApp.AppName] = new WordCountApp(),
        [IndexerApp.AppName] = new IndexerApp(),
    };

    public static bool Run(JobSpec spec, JobStatus status)
    {
        if (!BuiltInApps.TryGetValue(spec.App, out var app))
        {
            CliOutput.Error($"--verify: no local copy of app '{spec.App}'; only {string.Join(", ", BuiltInApps.Keys)} can be checked.");
            return false;
        }

        var started = TimeProvider.System.GetTimestamp();
        var expected = SequentialMapReduce.Run(app, spec.Inputs).Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal).ToArray();
        var sequential = TimeProvider.System.GetElapsedTime(started);

        var actual = status.OutputFiles.SelectMany(File.ReadLines).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToArray();
        var same = expected.SequenceEqual(actual, StringComparer.Ordinal);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Sequential {spec.App}: {sequential.TotalSeconds:0.000} s single-threaded vs {status.Elapsed.TotalSeconds:0.000} s for the job; outputs {(same ? "match" : "DIFFER")} ({expected.Length} vs {actual.Length} lines)."));
        return same;
    }
}
