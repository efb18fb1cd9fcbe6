namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>One attempt at one task, as the coordinator hands it to a task grain.</summary>
/// <param name="Inputs">Map: the single input file. Reduce: the committed output directory of every map task.</param>
/// <param name="Offset">Map: where in the input its split starts.</param>
/// <param name="Length">Map: the split's length in bytes; -1 for the whole file.</param>
/// <param name="WorkDirectory">Where the attempt writes before its output is committed.</param>
[GenerateSerializer, Immutable, Alias("mr.TaskAssignment")]
public sealed record TaskAssignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] TaskKind Kind,
    [property: Id(2)] int Index,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string App,
    [property: Id(5)] IReadOnlyList<string> Inputs,
    [property: Id(6)] int ReduceTasks,
    [property: Id(7)] string WorkDirectory,
    [property: Id(8)] long Offset = 0,
    [property: Id(9)] long Length = -1);
