using RaftOrleans.Grains.MapReduce.Apps;

namespace RaftOrleans.Grains.MapReduce.Execution;

/// <summary>Runs one map attempt: read the input, map, combine, partition, write every partition.</summary>
public static class MapRunner
{
    /// <summary>Writes one file per partition into <paramref name="directory"/>, private to this attempt.</summary>
    public static void Run(IMapReduceApp app, TaskContext context, string inputPath, int reduceTasks, string directory)
    {
        var contents = File.ReadAllText(inputPath);
        var output = new PartitionedOutput(reduceTasks, context.Cancellation);
        app.Map(context, Path.GetFileName(inputPath), contents, output);

        Directory.CreateDirectory(directory);
        for (var r = 0; r < reduceTasks; r++)
        {
            var pairs = output.Drain(r, app as IMapReduceCombiner);
            IntermediateFile.Write(Path.Combine(directory, IntermediateFile.PartitionName(r)), pairs);
        }
    }

    private sealed class PartitionedOutput(int reduceTasks, CancellationToken cancellation) : IMapOutput
    {
        private readonly Dictionary<string, List<string>>[] _partitions =
            Enumerable.Range(0, reduceTasks).Select(_ => new Dictionary<string, List<string>>(StringComparer.Ordinal)).ToArray();

        public void Emit(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(key);
            ArgumentNullException.ThrowIfNull(value);
            cancellation.ThrowIfCancellationRequested();
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
