using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// The single-threaded reference (the lab's mrsequential): map every file, sort all pairs by key,
/// reduce each key. Tests and benchmarks compare the distributed output with it.
/// </summary>
public static class SequentialMapReduce
{
    public static IReadOnlyList<KeyValuePair<string, string>> Run(IMapReduceApp app, IEnumerable<string> inputPaths)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var output = new ListOutput(pairs);
        var mapContext = TaskContext.Sequential(TaskKind.Map);
        foreach (var path in inputPaths)
        {
            app.Map(mapContext, Path.GetFileName(path), File.ReadAllText(path), output);
        }

        pairs.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));

        var reduceContext = TaskContext.Sequential(TaskKind.Reduce);
        var result = new List<KeyValuePair<string, string>>();
        var values = new List<string>();
        for (var i = 0; i < pairs.Count;)
        {
            var key = pairs[i].Key;
            values.Clear();
            for (; i < pairs.Count && pairs[i].Key == key; i++)
            {
                values.Add(pairs[i].Value);
            }

            result.Add(new(key, app.Reduce(reduceContext, key, values)));
        }

        return result;
    }

    private sealed class ListOutput(List<KeyValuePair<string, string>> pairs) : IMapOutput
    {
        public void Emit(string key, string value) => pairs.Add(new(key, value));
    }
}
