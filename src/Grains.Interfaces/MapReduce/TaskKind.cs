namespace RaftOrleans.Grains.Interfaces.MapReduce;

[GenerateSerializer, Alias("mr.TaskKind")]
public enum TaskKind
{
    Map = 0,
    Reduce = 1,
}
