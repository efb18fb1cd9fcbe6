using System.Text;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>Large inputs become several map tasks, cut at line boundaries, with the same results as the sequential run.</summary>
[Collection(MapReduceCollection.Name)]
public sealed class InputSplitTests(MapReduceClusterFixture fixture) : IDisposable
{
    private const long SplitBytes = 256 * 1024;

    private readonly TempDirectory _dir = new("mr-splits");

    [Fact]
    public void Splits_CoverTheFileContiguously_InWholeLines()
    {
        var path = Corpus("lines.txt", 1_000_000);
        var bytes = File.ReadAllBytes(path);
        var splits = InputSplitter.Split([path], 64 * 1024);

        Assert.InRange(splits.Count, 15, 16);
        Assert.Equal(0, splits[0].Offset);
        for (var i = 0; i < splits.Count; i++)
        {
            var end = splits[i].Offset + splits[i].Length;
            Assert.True(i == splits.Count - 1 ? end == bytes.Length : bytes[end - 1] == (byte)'\n', $"split {i} ends inside a line");
            Assert.True(i == splits.Count - 1 || splits[i + 1].Offset == end, $"split {i + 1} does not start where split {i} ends");
        }

        Assert.Equal([new InputSplit(RepoPaths.SampleTexts[0], 0, -1)], InputSplitter.Split([RepoPaths.SampleTexts[0]], 64L << 20));
    }

    [Fact]
    public async Task SplitInputs_WordCountAndIndexer_EqualSequential_WithCountersOfCommittedAttempts()
    {
        string[] inputs = [Corpus("big-a.txt", 1_500_000), Corpus("big-b.txt", 700_000), RepoPaths.SampleTexts[0]];
        foreach (IMapReduceApp app in new IMapReduceApp[] { new WordCountApp(), new IndexerApp() })
        {
            var name = app is WordCountApp ? WordCountApp.AppName : IndexerApp.AppName;
            var (status, output) = await fixture.RunJobAsync(name, inputs, splitBytes: SplitBytes);

            Assert.Equal(JobPhase.Completed, status.Phase);
            Assert.True(status.MapsTotal >= 9, $"{status.MapsTotal} map tasks for about {inputs.Sum(i => new FileInfo(i).Length) / SplitBytes} splits");
            Assert.Equal(0, status.ReExecutions);
            Assert.Equal(JobOutput.SequentialLines(app, inputs), JobOutput.MergedLines(output));

            var counters = status.Counters!;
            Assert.Equal(inputs.Sum(i => new FileInfo(i).Length), counters[TaskCounters.InputBytes]);
            Assert.Equal(inputs.Sum(Lines), counters[TaskCounters.InputRecords]);
            var outputLines = JobOutput.MergedLines(output);
            Assert.Equal(outputLines.Count, counters[TaskCounters.OutputRecords]);
            Assert.Equal(outputLines.Count, counters[TaskCounters.ReduceInputGroups]);
            if (app is WordCountApp)
            {
                // Every word is one map output record; the counts in the output add up to them.
                Assert.Equal(outputLines.Sum(l => long.Parse(l[(l.IndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)), counters[TaskCounters.MapOutputRecords]);
            }
        }
    }

    public void Dispose() => _dir.Dispose();

    private static long Lines(string path)
    {
        var text = File.ReadAllText(path);
        var lines = text.Count(c => c == '\n');
        return text.Length > 0 && text[^1] != '\n' ? lines + 1 : lines;
    }

    /// <summary>About <paramref name="bytes"/> of lines of varying length drawn from the samples, with some non-ASCII words.</summary>
    private string Corpus(string name, int bytes)
    {
        var words = File.ReadAllText(RepoPaths.SampleTexts[1]).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var random = new Random(name.Length);
        var text = new StringBuilder(bytes + 200);
        while (text.Length < bytes)
        {
            var count = random.Next(1, 25);
            for (var i = 0; i < count; i++)
            {
                text.Append(i == 0 ? string.Empty : " ").Append(random.Next(50) == 0 ? "naïve-café" : words[random.Next(words.Length)]);
            }

            text.Append('\n');
        }

        var path = _dir.Sub(name);
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        return path;
    }
}
