using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.MapReduce.Jobs;

/// <summary>A job's persisted progress: enough for a new activation on another silo to carry on.</summary>
[GenerateSerializer, Alias("mr.JobState")]
public sealed class JobState
{
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobPhase Phase { get; set; }

    [Id(2)] public List<TaskRecord> Maps { get; set; } = [];

    [Id(3)] public List<TaskRecord> Reduces { get; set; } = [];

    [Id(4)] public DateTimeOffset SubmittedAt { get; set; }

    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }

    [Id(6)] public string? Error { get; set; }

    /// <summary>The timeout in force for this job (the spec's, else the silo default at submission).</summary>
    [Id(7)] public TimeSpan TaskTimeout { get; set; }

    /// <summary>Work directory of this job's attempts.</summary>
    [Id(8)] public string WorkDirectory { get; set; } = string.Empty;

    /// <summary>The ClusterId of the cluster running the job; an embedded silo's cluster ends with its client.</summary>
    [Id(9)] public string? Host { get; set; }

    /// <summary>A failed or cancelled job's committed outputs and its claim on the directory are gone.</summary>
    [Id(10)] public bool Released { get; set; }

    /// <summary>What each map task reads; null for jobs from before splits (one map task per input file).</summary>
    [Id(11)] public List<InputSplit>? Splits { get; set; }
}
