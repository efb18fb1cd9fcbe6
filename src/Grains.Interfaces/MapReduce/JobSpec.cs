namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>What a client asks a job grain to run.</summary>
/// <param name="App">Name of a registered application, e.g. <c>wc</c>.</param>
/// <param name="Inputs">Absolute paths of the input files; one map task per file.</param>
/// <param name="ReduceTasks">Number of reduce tasks (nReduce); one output file <c>mr-out-r</c> per task.</param>
/// <param name="OutputDirectory">Absolute path of a directory every silo can reach (shared when silos are on several hosts).</param>
/// <param name="TaskTimeout">A task not reported done within this time is handed out again; null takes the silo's configured default.</param>
/// <param name="SplitBytes">Inputs larger than this are split into map tasks of about this size, at line boundaries; null takes the silo's default (64 MiB).</param>
/// <param name="Overwrite">Write into a directory that holds a finished job's outputs or this job's inputs (never one a running job writes, never over an input).</param>
[GenerateSerializer, Immutable, Alias("mr.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string App,
    [property: Id(1)] IReadOnlyList<string> Inputs,
    [property: Id(2)] int ReduceTasks,
    [property: Id(3)] string OutputDirectory,
    [property: Id(4)] TimeSpan? TaskTimeout = null,
    [property: Id(5)] bool Overwrite = false,
    [property: Id(6)] long? SplitBytes = null)
{
    /// <summary>Two submissions of one job id must describe the same job (<see cref="Overwrite"/> aside: it only governs the start).</summary>
    public bool SameJobAs(JobSpec other) =>
        App == other.App
        && ReduceTasks == other.ReduceTasks
        && SplitBytes == other.SplitBytes
        && OutputDirectory == other.OutputDirectory
        && Inputs.SequenceEqual(other.Inputs);
}
