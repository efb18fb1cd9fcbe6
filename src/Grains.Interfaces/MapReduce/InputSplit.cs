namespace RaftOrleans.Grains.Interfaces.MapReduce;

/// <summary>The part of an input file one map task reads: whole lines, <paramref name="Length"/> bytes from <paramref name="Offset"/>.</summary>
[GenerateSerializer, Immutable, Alias("mr.InputSplit")]
public sealed record InputSplit(
    [property: Id(0)] string Path,
    [property: Id(1)] long Offset,
    [property: Id(2)] long Length);
