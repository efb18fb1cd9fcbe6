namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// Where a job's files live. Every attempt writes only below its own name in the job's work directory;
/// nothing there is read until the job grain commits that attempt, and final outputs are committed by rename.
/// </summary>
public static class JobLayout
{
    public static string WorkDirectory(string outputDirectory, string jobId) =>
        Path.Combine(outputDirectory, ".mr-work", jobId);

    public static string MapAttemptDirectory(string workDirectory, int mapIndex, int attempt) =>
        Path.Combine(workDirectory, $"map-{mapIndex}-a{attempt}");

    public static string ReduceAttemptFile(string workDirectory, int reduceIndex, int attempt) =>
        Path.Combine(workDirectory, $"reduce-{reduceIndex}-a{attempt}.out");

    public static string OutputFile(string outputDirectory, int reduceIndex) =>
        Path.Combine(outputDirectory, Execution.OutputFile.NameFor(reduceIndex));
}
