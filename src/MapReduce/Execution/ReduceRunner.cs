using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>Runs one reduce attempt: gather the partition from every map output, reduce each key, write.</summary>
public static class ReduceRunner
{
    public static void Run(IMapReduceApp app, TaskContext context, IReadOnlyList<string> mapOutputDirectories, string outputPath)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var partition = IntermediateFile.PartitionName(context.Index);
        foreach (var directory in mapOutputDirectories)
        {
            IntermediateFile.ReadInto(Path.Combine(directory, partition), groups);
        }

        var lines = groups.Keys
            .Order(StringComparer.Ordinal)
            .Select(key =>
            {
                context.Cancellation.ThrowIfCancellationRequested();
                context.Counters.Increment(TaskCounters.ReduceInputGroups);
                context.Counters.Increment(TaskCounters.OutputRecords);
                return new KeyValuePair<string, string>(key, app.Reduce(context, key, groups[key]));
            });
        OutputFile.Write(outputPath, lines);
    }
}
