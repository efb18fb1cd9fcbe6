namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>
/// The lab's marker-file trick, per silo instead of per process: a task drops a marker while it runs,
/// and counts the distinct workers whose markers are present at the same time.
/// </summary>
internal static class Markers
{
    public static string Create(string directory, string prefix, string workerId)
    {
        var path = Path.Combine(directory, $"{prefix}{Encode(workerId)}.{Guid.NewGuid():N}");
        File.WriteAllBytes(path, []);
        return path;
    }

    public static int DistinctWorkers(string directory, string prefix) =>
        Directory.GetFiles(directory, prefix + "*")
            .Select(path => Path.GetFileName(path)[prefix.Length..])
            .Select(name => name[..name.LastIndexOf('.')])
            .Distinct(StringComparer.Ordinal)
            .Count();

    public static string Encode(string workerId) => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(workerId));
}
