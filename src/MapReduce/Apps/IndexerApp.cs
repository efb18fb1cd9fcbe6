using System.Globalization;

namespace RaftOrleans.MapReduce.Apps;

/// <summary><c>indexer</c>: for each word, how many documents hold it and which, sorted.</summary>
public sealed class IndexerApp : IMapReduceApp
{
    public const string AppName = "indexer";

    public void Map(TaskContext context, string fileName, string contents, IMapOutput output)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Words.ForEach(contents, seen, static (s, word) => s.Add(word));
        foreach (var word in seen)
        {
            output.Emit(word, fileName);
        }
    }

    public string Reduce(TaskContext context, string key, IReadOnlyList<string> values)
    {
        // A file split into several map tasks names itself once per split.
        var documents = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{documents.Length} {string.Join(',', documents)}");
    }
}
