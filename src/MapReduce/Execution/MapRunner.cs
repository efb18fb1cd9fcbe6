using System.Buffers;
using System.Text;
using System.Text.Unicode;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>Runs one map attempt: read the input (or its split), map, combine, partition, write every partition.</summary>
public static class MapRunner
{
    /// <summary>Writes one file per partition into <paramref name="directory"/>, private to this attempt.</summary>
    /// <param name="length">The split's length from <paramref name="offset"/>; -1 for the whole file.</param>
    public static void Run(IMapReduceApp app, TaskContext context, string inputPath, int reduceTasks, string directory, long offset = 0, long length = -1)
    {
        var (contents, bytes) = Read(inputPath, context, offset, length);
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

    /// <summary>
    /// A whole file as File.ReadAllText reads it (encoding from its byte order mark), or a split's bytes as UTF-8. Bytes
    /// that are not UTF-8 are read as U+FFFD, and the first of them is reported as a warning with its offset.
    /// </summary>
    private static (string Contents, long Bytes) Read(string path, TaskContext context, long offset, long length)
    {
        byte[] bytes;
        if (length < 0)
        {
            bytes = File.ReadAllBytes(path);
            if (InputSplitter.StartsWithWideByteOrderMark(bytes))
            {
                return (File.ReadAllText(path), bytes.Length);
            }
        }
        else
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            file.Position = offset;
            bytes = new byte[length];
            file.ReadExactly(bytes);
        }

        var skip = offset == 0 && bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        if (!Utf8.IsValid(bytes.AsSpan(skip)))
        {
            context.Warnings.Add($"Input '{path}' is not UTF-8 at byte {offset + skip + FirstInvalidUtf8(bytes.AsSpan(skip))}; its invalid bytes were read as U+FFFD, so words holding them are cut (convert it, e.g. iconv -f latin1 -t utf-8).");
        }

        return (Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip), bytes.Length);
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        for (var at = 0; at < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != OperationStatus.Done)
            {
                return at;
            }

            at += consumed;
        }

        return bytes.Length;
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
