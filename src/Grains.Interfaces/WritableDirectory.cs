namespace RaftOrleans.Grains.Interfaces;

/// <summary>Whether a directory can be used for writing: created if missing, then a file written in it and removed.</summary>
public static class WritableDirectory
{
    /// <returns>Null when it can be written; otherwise why not ("is a file", or the system's message).</returns>
    public static string? Problem(string directory)
    {
        if (File.Exists(directory))
        {
            return "is a file";
        }

        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"cannot be written: {exception.Message}";
        }
    }
}
