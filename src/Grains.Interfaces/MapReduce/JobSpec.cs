namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>What a client asks a job grain to run.</summary>
/// <param name="App">Name of a registered application, e.g. <c>wc</c>.</param>
/// <param name="Inputs">Absolute paths of the input files (regular files); each is one map task or, when large, several.</param>
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
    /// <summary>
    /// How <paramref name="other"/>, a later submission under this job's id, differs from this job in words a user can
    /// act on; null when it is the same job (<see cref="Overwrite"/> and the timeout aside: they only govern the run).
    /// </summary>
    public string? DifferenceFrom(JobSpec other) =>
        App != other.App ? $"it runs app '{App}', not '{other.App}'"
        : OutputDirectory != other.OutputDirectory ? $"its output directory is '{OutputDirectory}', not '{other.OutputDirectory}' (resuming from another directory? pass --output '{OutputDirectory}')"
        : !Inputs.SequenceEqual(other.Inputs) ? $"its inputs are {Inputs.Count} other files (first '{Inputs.FirstOrDefault()}')"
        : ReduceTasks != other.ReduceTasks ? $"it has {ReduceTasks} reduce tasks, not {other.ReduceTasks}"
        : SplitBytes != other.SplitBytes ? "its split size differs"
        : null;
}
