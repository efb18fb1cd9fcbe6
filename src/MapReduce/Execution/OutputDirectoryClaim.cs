using System.Text;
using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// Which job an output directory belongs to: one at a time, named in its <see cref="OwnerFile"/>. A job may write
/// only into a directory it owns, and deletes nothing there but the outputs it committed itself, so that neither
/// a second job nor an output directory that holds the inputs can lose anyone's data.
/// </summary>
public static class OutputDirectoryClaim
{
    public const string OwnerFile = ".mr-job";

    /// <summary>The job that owns <paramref name="directory"/>, or null when none does.</summary>
    public static string? OwnerOf(string directory)
    {
        var path = Path.Combine(directory, OwnerFile);
        try
        {
            var owner = File.ReadAllText(path, Encoding.UTF8).Trim();
            return owner.Length == 0 ? null : owner;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Why <paramref name="jobId"/> must not write into its output directory, or null when it may.</summary>
    /// <param name="isRunning">Whether a job is still running; null when the caller cannot ask (the job grain asks again).</param>
    public static string? Check(string jobId, JobSpec spec, Func<string, bool>? isRunning)
    {
        var directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(spec.OutputDirectory));
        var outputs = Enumerable.Range(0, spec.ReduceTasks).Select(OutputFile.NameFor).ToHashSet(StringComparer.Ordinal);
        foreach (var input in spec.Inputs.Select(Path.GetFullPath))
        {
            if (Path.GetDirectoryName(input) == directory && outputs.Contains(Path.GetFileName(input)))
            {
                // Never allowed, not even with Overwrite: the job would replace its own input.
                return $"Input '{input}' would be replaced by this job's output {Path.GetFileName(input)}; choose another --output.";
            }

            if (!spec.Overwrite && input.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return $"Output directory '{directory}' holds input '{input}' of this job; choose another --output, or --overwrite to write there anyway (it replaces only mr-out-* files).";
            }
        }

        var owner = OwnerOf(directory);
        if (owner is not null && owner != jobId)
        {
            if (isRunning?.Invoke(owner) == true)
            {
                return $"Output directory '{directory}' is being written by job '{owner}', which is still running; choose another --output.";
            }

            if (!spec.Overwrite)
            {
                return $"Output directory '{directory}' holds the outputs of job '{owner}'; choose another --output, or --overwrite to replace them.";
            }
        }
        else if (owner is null && !spec.Overwrite && Directory.Exists(directory) && Directory.EnumerateFiles(directory, OutputFile.Prefix + "*").Any())
        {
            return $"Output directory '{directory}' holds {OutputFile.Prefix}* files of another job; choose another --output, or --overwrite to replace them.";
        }

        return null;
    }

    /// <summary>
    /// Makes <paramref name="jobId"/> the directory's owner. A directory without one is taken by exclusive create,
    /// so of two jobs starting at once only one gets it; the other learns who did (null: this job now owns it).
    /// </summary>
    public static string? Claim(string jobId, string directory, bool replace)
    {
        var path = Path.Combine(directory, OwnerFile);
        if (replace && OwnerOf(directory) is { } previous && previous != jobId)
        {
            AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(jobId)));
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            stream.Write(Encoding.UTF8.GetBytes(jobId));
            stream.Flush(flushToDisk: true);
            return null;
        }
        catch (IOException) when (File.Exists(path))
        {
            var owner = OwnerOf(directory);
            return owner == jobId ? null : owner ?? "(unknown)";
        }
    }

    /// <summary>Gives the directory up, if <paramref name="jobId"/> still owns it.</summary>
    public static void Release(string jobId, string directory)
    {
        if (OwnerOf(directory) == jobId)
        {
            File.Delete(Path.Combine(directory, OwnerFile));
        }
    }
}
