using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>The classic lab's comparison: all <c>mr-out-*</c> lines, merged, sorted, blank lines dropped.</summary>
public static class JobOutput
{
    public static IReadOnlyList<string> MergedLines(string outputDirectory) =>
        Directory.GetFiles(outputDirectory, OutputFile.Prefix + "*")
            .SelectMany(File.ReadAllLines)
            .Where(line => line.Length > 0)
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static IReadOnlyList<string> SequentialLines(IMapReduceApp app, IEnumerable<string> inputs) =>
        SequentialMapReduce.Run(app, inputs)
            .Select(pair => $"{pair.Key} {pair.Value}")
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every output file holds its keys in ordinal order, each key once, in the right partition.</summary>
    public static void AssertWellFormed(string outputDirectory, int reduceTasks)
    {
        for (var r = 0; r < reduceTasks; r++)
        {
            var path = Path.Combine(outputDirectory, OutputFile.NameFor(r));
            Assert.True(File.Exists(path), $"missing {path}");
            var keys = File.ReadAllLines(path).Select(line => line[..line.IndexOf(' ')]).ToArray();
            Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
            Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
            Assert.All(keys, key => Assert.Equal(r, KeyPartitioner.Partition(key, reduceTasks)));
        }
    }
}
