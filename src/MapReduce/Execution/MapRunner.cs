using System.Text;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>Runs one map attempt: read the input (or its split), map, combine, partition, write every partition.</summary>
public static class MapRunner
{
    /// <summary>Writes one file per partition into <paramref name="directory"/>, private to this attempt.</summary>
    /// <param name="length">The split's length from <paramref name="offset"/>; -1 for the whole file.</param>
    public static void Run(IMapReduceApp app, TaskContext context, string inputPath, int reduceTasks, string directory, long offset = 0, long length = -1)
    {
        var (contents, bytes) = Read(inputPath, offset, length);
        context.Counters.Increment(TaskCounters.InputBytes, bytes);
        context.Counters.Increment(TaskCounters.InputRecords, CountLines(contents));
        var output = new PartitionedOutput(reduceTasks, context);
        app.Map(context, Path.GetFileName(inputPath), contents, output);

        Directory.CreateDirectory(directory);
        for (var r = 0; r < reduceTasks; r++)
        {
            var pairs = output.Drain(r, app as IMapReduceCombiner);
            IntermediateFile.Write(Path.Combine(directory, IntermediateFile.PartitionName(r)), pairs);
        }
    }

    /// <summary>A whole file as File.ReadAllText reads it (encoding from its byte order mark), or a split's bytes as UTF-8.</summary>
    private static (string Contents, long Bytes) Read(string path, long offset, long length)
    {
        if (length < 0)
        {
            return (File.ReadAllText(path), new FileInfo(path).Length);
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        file.Position = offset;
        var bytes = new byte[length];
        file.ReadExactly(bytes);
        var skip = offset == 0 && bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        return (Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip), length);
    }

    private static long CountLines(string contents)
    {
        var lines = (long)contents.AsSpan().Count('\n');
        return contents.Length > 0 && contents[^1] != '\n' ? lines + 1 : lines;
    }

    private sealed class PartitionedOutput(int reduceTasks, TaskContext context) : IMapOutput
    {
        private readonly Dictionary<string, List<string>>[] _partitions =
            Enumerable.Range(0, reduceTasks).Select(_ => new Dictionary<string, List<string>>(StringComparer.Ordinal)).ToArray();

        public void Emit(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            context.Cancellation.ThrowIfCancellationRequested();
            context.Counters.Increment(TaskCounters.MapOutputRecords);
            var partition = _partitions[KeyPartitioner.Partition(key, _partitions.Length)];
            if (!partition.TryGetValue(key, out var values))
            {
                values = [];
                partition.Add(key, values);
            }

            values.Add(value);
        }

        public List<KeyValuePair<string, string>> Drain(int reduceIndex, IMapReduceCombiner? combiner)
        {
            var partition = _partitions[reduceIndex];
            var pairs = new List<KeyValuePair<string, string>>(partition.Count);
            foreach (var key in partition.Keys.Order(StringComparer.Ordinal))
            {
                var values = partition[key];
                if (combiner is not null && values.Count > 1)
                {
                    pairs.Add(new(key, combiner.Combine(key, values)));
                }
                else
                {
                    foreach (var value in values)
                    {
                        pairs.Add(new(key, value));
                    }
                }
            }

            partition.Clear();
            return pairs;
        }
    }
}
