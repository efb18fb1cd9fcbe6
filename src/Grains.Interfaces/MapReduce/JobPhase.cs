namespace RaftOrleans.Grains.Interfaces.MapReduce;

[GenerateSerializer, Alias("mr.JobPhase")]
public enum JobPhase
{
    /// <summary>No job was submitted under this id.</summary>
    None = 0,
    Mapping = 1,
    Reducing = 2,
    /// <summary>Every output file is committed; nothing the job wrote changes after this.</summary>
    Completed = 3,
    Failed = 4,
    /// <summary>Stopped on request (<c>mr cancel</c>, Ctrl+C); the outputs it had committed are removed.</summary>
    Cancelled = 5,
}
