using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;
using RaftOrleans.MapReduce.Hosting;

namespace RaftOrleans.MapReduce.Jobs;

/// <summary>Every check a submission must pass before anything is written for it.</summary>
public static partial class JobSpecValidator
{
    /// <summary>All checks, on the coordinator.</summary>
    /// <param name="isRunning">Whether another job is still running: its output directory is never taken.</param>
    /// <exception cref="InvalidJobException">The first problem found, in words a user can act on.</exception>
    internal static void Validate(string jobId, JobSpec spec, MapReduceAppRegistry apps, MapReduceOptions options, Func<string, bool> isRunning)
    {
        if (!apps.TryGet(spec.App, out _))
        {
            Fail($"Unknown app '{spec.App}'. Known apps: {string.Join(", ", apps.Names)}.");
        }

        if (spec.TaskTimeout is { } timeout && timeout < 2 * options.ProgressPeriod)
        {
            Fail($"The task timeout must be at least twice the silos' progress period, {options.ProgressPeriod.TotalSeconds:0.###} s (was {timeout.TotalSeconds:0.###} s).");
        }

        CheckLocal(jobId, spec, options.MaxReduceTasks, isRunning);
        CheckWritable(spec.OutputDirectory);
    }

    /// <summary>
    /// The checks that need neither the silos' apps nor other jobs' state, so that a client can run them before
    /// it connects (or starts an embedded silo): the id, the numbers, the inputs, the output directory's owner.
    /// </summary>
    /// <exception cref="InvalidJobException">The first problem found.</exception>
    /// <param name="isRunning">Whether another job is still running; null when the caller cannot ask (a client).</param>
    public static void CheckLocal(string jobId, JobSpec spec, int maxReduceTasks, Func<string, bool>? isRunning = null)
    {
        if (!NamePattern().IsMatch(spec.App))
        {
            Fail($"App name '{Printable(spec.App)}' is no app's: app names are letters, digits, '.', '_' or '-'.");
        }

        CheckJobId(jobId);

        if (spec.ReduceTasks < 1 || spec.ReduceTasks > maxReduceTasks)
        {
            Fail($"The number of reduce tasks must be between 1 and {maxReduceTasks} (was {spec.ReduceTasks}).");
        }

        if (spec.SplitBytes is { } split && split < 1 << 16)
        {
            Fail($"The split size must be at least 64 KiB (was {split} bytes).");
        }

        if (spec.TaskTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            Fail($"The task timeout must be positive (was {timeout}).");
        }

        if (spec.Inputs.Count == 0)
        {
            Fail("No input files were given.");
        }

        foreach (var input in spec.Inputs)
        {
            CheckReadable(input);
        }

        if (!Path.IsPathFullyQualified(spec.OutputDirectory))
        {
            Fail($"Output directory '{spec.OutputDirectory}' must be an absolute path.");
        }

        if (OutputDirectoryClaim.Check(jobId, spec, isRunning) is { } refused)
        {
            Fail(refused);
        }
    }

    /// <exception cref="InvalidJobException">The id is empty, too long, or holds other characters than letters, digits, '.', '_' or '-'.</exception>
    public static void CheckJobId(string jobId)
    {
        if (!NamePattern().IsMatch(jobId))
        {
            Fail($"Job id '{Printable(jobId)}' must be 1-100 characters of letters, digits, '.', '_' or '-'.");
        }
    }

    private static void CheckReadable(string input)
    {
        if (!Path.IsPathFullyQualified(input))
        {
            Fail($"Input '{input}' must be an absolute path.");
        }

        if (input.Any(char.IsControl))
        {
            // Output lines are 'key value': a key holding a line break (the indexer's keys are file names) would split.
            Fail($"Input file name '{Printable(input)}' holds a line break or another control character; rename the file.");
        }

        if (Directory.Exists(input))
        {
            Fail($"Input '{input}' is a directory; name the files in it (e.g. {Path.Combine(input, "*")}).");
        }

        if (!File.Exists(input))
        {
            Fail($"Input file '{input}' does not exist.");
        }

        if (InputFileKind.NotRegular(input) is { } kind)
        {
            // Checked before opening: opening a FIFO blocks until something writes to it.
            Fail($"Input '{input}' is {kind}; inputs must be regular files (a map task reads its input by offset, from any silo, and again if it runs again). Save it to a file first.");
        }

        try
        {
            using var stream = File.OpenRead(input);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Fail($"Input file '{input}' cannot be read: {exception.Message}");
        }
    }

    private static void CheckWritable(string directory)
    {
        if (WritableDirectory.Problem(directory) is { } problem)
        {
            Fail($"Output directory '{directory}' {problem}.");
        }
    }

    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));

    [DoesNotReturn]
    private static void Fail(string message) => throw new InvalidJobException(message);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NamePattern();
}
