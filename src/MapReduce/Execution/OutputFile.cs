using System.Text;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>Final output: <c>mr-out-r</c>, one "key value" line per key, keys in ordinal order.</summary>
public static class OutputFile
{
    public const string Prefix = "mr-out-";

    public static string NameFor(int reduceIndex) => $"{Prefix}{reduceIndex}";

    public static void Write(string path, IEnumerable<KeyValuePair<string, string>> sortedLines) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            foreach (var (key, value) in sortedLines)
            {
                writer.Write(key);
                writer.Write(' ');
                writer.Write(value);
                writer.Write('\n');
            }
        });
}
