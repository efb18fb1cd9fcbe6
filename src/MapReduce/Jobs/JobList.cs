namespace RaftOrleans.MapReduce.Jobs;

[GenerateSerializer, Alias("mr.JobList")]
public sealed class JobList
{
    [Id(0)] public List<string> JobIds { get; set; } = [];
}
