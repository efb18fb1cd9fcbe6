using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace RaftOrleans.Client.Commands;

/// <summary>
/// The input files <c>mr run</c> names: a file as given, a directory as its files (not its subdirectories; names
/// starting with '.' skipped), a glob pattern the shell left unexpanded (<c>'data/*.txt'</c>, <c>'logs/**/*.log'</c>)
/// as the files it matches, each sorted by name. Paths are made absolute: the silos read them.
/// </summary>
internal static class InputPaths
{
    private static readonly char[] GlobCharacters = ['*', '?', '['];

    /// <exception cref="ArgumentException">A pattern or a directory that names no file.</exception>
    public static string[] Expand(IEnumerable<string> arguments)
    {
        var paths = new List<string>();
        foreach (var argument in arguments)
        {
            var full = Path.GetFullPath(argument);
            if (Directory.Exists(full))
            {
                var files = Directory.EnumerateFiles(full)
                    .Where(f => !Path.GetFileName(f).StartsWith('.'))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                paths.AddRange(files.Length > 0 ? files : throw new ArgumentException($"Directory '{full}' holds no input files."));
            }
            else if (!File.Exists(full) && argument.IndexOfAny(GlobCharacters) >= 0)
            {
                var matches = Glob(full);
                paths.AddRange(matches.Length > 0 ? matches : throw new ArgumentException($"No file matches '{argument}'."));
            }
            else
            {
                paths.Add(ThroughProcessLinks(full));
            }
        }

        return paths.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static string[] Glob(string pattern)
    {
        // The directory part before the first wildcard is the root the rest is matched under.
        var wildcard = pattern.IndexOfAny(GlobCharacters);
        var root = pattern[..(pattern.LastIndexOf(Path.DirectorySeparatorChar, wildcard) + 1)];
        if (!Directory.Exists(root))
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern[root.Length..]);
        return matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root)))
            .Files
            .Select(f => Path.GetFullPath(Path.Combine(root, f.Path)))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// <c>/dev/stdin</c> redirected from a file is a link through <c>/proc/self/fd</c>: a silo would read its own
    /// descriptor, so the file it names is the input. Any other link stays as named.
    /// </summary>
    private static string ThroughProcessLinks(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target
                   && path.StartsWith("/dev/", StringComparison.Ordinal)
                   && target.FullName.StartsWith('/')
                   && File.Exists(target.FullName)
                ? target.FullName
                : path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
