namespace RaftOrleans.MapReduce.Execution;

/// <summary>Files that appear whole or not at all: written aside, flushed, then renamed into place.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var temp = TempNameFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string TempNameFor(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
}
