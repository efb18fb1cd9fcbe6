using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// Cuts inputs into map splits of about a given size (the paper's M pieces, §3.1), each ending after a line break,
/// so no record (line) and no word is cut. A UTF-8 line break is one byte that never occurs inside another
/// character; files that start with a UTF-16 or UTF-32 byte order mark are never split.
/// </summary>
public static class InputSplitter
{
    public static IReadOnlyList<InputSplit> Split(IEnumerable<string> inputs, long splitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(splitBytes, 1);
        var splits = new List<InputSplit>();
        foreach (var path in inputs)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
            var size = file.Length;
            if (size <= splitBytes || HasWideByteOrderMark(file))
            {
                splits.Add(new InputSplit(path, 0, -1));
                continue;
            }

            for (long start = 0; start < size;)
            {
                var end = start + splitBytes >= size ? size : AfterNextLineBreak(file, start + splitBytes);
                splits.Add(new InputSplit(path, start, end - start));
                start = end;
            }
        }

        return splits;
    }

    /// <summary>The position just after the first line break at or after <paramref name="from"/>, or the end of the file.</summary>
    private static long AfterNextLineBreak(FileStream file, long from)
    {
        var buffer = new byte[64 * 1024];
        file.Position = from;
        for (int read; (read = file.Read(buffer)) > 0;)
        {
            var at = Array.IndexOf(buffer, (byte)'\n', 0, read);
            if (at >= 0)
            {
                return file.Position - read + at + 1;
            }
        }

        return file.Length;
    }

    private static bool HasWideByteOrderMark(FileStream file)
    {
        Span<byte> head = stackalloc byte[4];
        file.Position = 0;
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return StartsWithWideByteOrderMark(head[..read]);
    }

    /// <summary>Whether the bytes start with a UTF-16 (either order) or a big-endian UTF-32 byte order mark.</summary>
    internal static bool StartsWithWideByteOrderMark(ReadOnlySpan<byte> head) =>
        head.StartsWith([(byte)0xFF, (byte)0xFE]) || head.StartsWith([(byte)0xFE, (byte)0xFF]) || head.StartsWith([(byte)0, (byte)0, (byte)0xFE, (byte)0xFF]);
}
