
namespace RaftOrleans.MapReduce.Jobs;

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

    /// <summary>When the latest attempt last showed progress (written with the job's other changes, not on each report).</summary>
    [Id(6)] public DateTimeOffset LastProgressAt { get; set; }

    /// <summary>The committed attempt's counters; set only when Done.</summary>
    [Id(7)] public Dictionary<string, long>? Counters { get; set; }

    /// <summary>A backup attempt (number <see cref="Attempts"/>) runs beside attempt <see cref="Attempts"/> - 1; the first to finish wins.</summary>
    [Id(8)] public bool BackupRunning { get; set; }

    /// <summary>How long the committed attempt ran (from its issue to its report).</summary>
    [Id(9)] public TimeSpan? Took { get; set; }

    /// <summary>Backup attempts launched for this task.</summary>
    [Id(10)] public int Backups { get; set; }

    /// <summary>The committed attempt's warnings about its input; set only when Done.</summary>
    [Id(11)] public List<string>? Warnings { get; set; }
}
