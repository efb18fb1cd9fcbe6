using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>Word-count inputs big enough for a job to be killed in the middle of, and the sequential reference.</summary>
public static class WordCount
{
    /// <summary>
    /// Writes <paramref name="copies"/> inputs per sample text into <paramref name="directory"/> (one map task
    /// each), each holding its sample <paramref name="repeat"/> times over, so a map task lasts long enough to be
    /// caught running.
    /// </summary>
    public static IReadOnlyList<string> CreateInputs(string directory, int copies, int repeat)
    {
        Directory.CreateDirectory(directory);
        var inputs = new List<string>();
        for (var copy = 0; copy < copies; copy++)
        {
            foreach (var sample in RepoPaths.SampleTexts)
            {
                var path = Path.Combine(directory, $"{copy}-{Path.GetFileName(sample)}");
                var text = File.ReadAllText(sample);
                File.WriteAllText(path, string.Concat(Enumerable.Repeat(text, repeat)));
                inputs.Add(path);
            }
        }

        return inputs;
    }

    /// <summary>The lab's mrsequential: "word count" lines in ordinal order.</summary>
    public static IReadOnlyList<string> SequentialLines(IEnumerable<string> inputs) =>
        SequentialMapReduce.Run(new WordCountApp(), inputs).Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal).ToArray();

    /// <summary>All <c>mr-out-*</c> lines of a job, merged and sorted, blank lines dropped.</summary>
    public static IReadOnlyList<string> OutputLines(string outputDirectory) =>
        Directory.GetFiles(outputDirectory, OutputFile.Prefix + "*").SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToArray();
}
