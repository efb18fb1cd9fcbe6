namespace RaftOrleans.MapReduce.Jobs;

[GenerateSerializer, Alias("mr.TaskProgress")]
public enum TaskProgress
{
    Idle = 0,
    InProgress = 1,
    Done = 2,
}
