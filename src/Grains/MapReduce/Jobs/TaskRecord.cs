namespace RaftOrleans.Grains.MapReduce.Jobs;

/// <summary>The coordinator's view of one task.</summary>
[GenerateSerializer, Alias("mr.TaskRecord")]
public sealed class TaskRecord
{
    [Id(0)] public TaskProgress Progress { get; set; }

    /// <summary>Attempts handed out so far; attempt numbers are 1..Attempts and never reused.</summary>
    [Id(1)] public int Attempts { get; set; }

    /// <summary>When the latest attempt was handed out.</summary>
    [Id(2)] public DateTimeOffset IssuedAt { get; set; }

    /// <summary>The silo running the latest attempt, once it said so.</summary>
    [Id(3)] public SiloAddress? Worker { get; set; }

    /// <summary>The committed output (map: partition directory; reduce: final file); set only when Done.</summary>
    [Id(4)] public string? Output { get; set; }

    /// <summary>Attempts that reported an error (crashes and timeouts do not count).</summary>
    [Id(5)] public int Failures { get; set; }
}
