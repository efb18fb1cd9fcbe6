namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>What a client asks a job grain to run.</summary>
/// <param name="App">Name of a registered application, e.g. <c>wc</c>.</param>
/// <param name="Inputs">Absolute paths of the input files; one map task per file.</param>
/// <param name="ReduceTasks">Number of reduce tasks (nReduce); one output file <c>mr-out-r</c> per task.</param>
/// <param name="OutputDirectory">Absolute path of a directory every silo can reach (shared when silos are on several hosts).</param>
/// <param name="TaskTimeout">A task not reported done within this time is handed out again; null takes the silo's configured default.</param>
[GenerateSerializer, Immutable, Alias("mr.JobSpec")]
public sealed record JobSpec(
    [property: Id(0)] string App,
    [property: Id(1)] IReadOnlyList<string> Inputs,
    [property: Id(2)] int ReduceTasks,
    [property: Id(3)] string OutputDirectory,
    [property: Id(4)] TimeSpan? TaskTimeout = null)
{
    /// <summary>Two submissions of one job id must describe the same job.</summary>
    public bool SameJobAs(JobSpec other) =>
        App == other.App
        && ReduceTasks == other.ReduceTasks
        && OutputDirectory == other.OutputDirectory
        && Inputs.SequenceEqual(other.Inputs);
}
