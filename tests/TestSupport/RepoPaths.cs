namespace RaftOrleans.TestSupport;

/// <summary>Paths in the repository the tests run from (found by walking up to <c>Raft.Orleans.sln</c>).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The eight Project Gutenberg texts shipped in <c>samples/</c>, in ordinal order.</summary>
    public static IReadOnlyList<string> SampleTexts { get; } =
        Directory.GetFiles(Path.Combine(Root, "samples"), "pg-*.txt").Order(StringComparer.Ordinal).ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Raft.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Raft.Orleans.sln above {AppContext.BaseDirectory}.");
    }
}
