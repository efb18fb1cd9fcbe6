using System.Globalization;

namespace RaftOrleans.MapReduce.Apps;

/// <summary><c>wc</c>: how often each word occurs over all inputs.</summary>
public sealed class WordCountApp : IMapReduceApp, IMapReduceCombiner
{
    public const string AppName = "wc";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output) =>
        Words.ForEach(contents, output, static (o, word) => o.Emit(word, "1"));

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values) => Sum(values);

    public string Combine(string key, IReadOnlyList<string> values) => Sum(values);

    private static string Sum(IReadOnlyList<string> values)
    {
        long total = 0;
        foreach (var value in values)
        {
            total += long.Parse(value, CultureInfo.InvariantCulture);
        }

        return total.ToString(CultureInfo.InvariantCulture);
    }
}
