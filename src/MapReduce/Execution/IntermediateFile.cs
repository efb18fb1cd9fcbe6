using System.Text;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// One map task's pairs for one reduce partition: a count, then length-prefixed UTF-8 key/value pairs,
/// sorted by key (ordinal) so a reader can stream them.
/// </summary>
public static class IntermediateFile
{
    public static string PartitionName(int reduceIndex) => $"part-{reduceIndex}";

    public static void Write(string path, IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(pairs.Count);
            foreach (var (key, value) in pairs)
            {
                writer.Write(key);
                writer.Write(value);
            }
        });

    public static void ReadInto(string path, Dictionary<string, List<string>> groups)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var value = reader.ReadString();
            if (!groups.TryGetValue(key, out var values))
            {
                values = [];
                groups.Add(key, values);
            }

            values.Add(value);
        }
    }
}
