using RaftOrleans.Grains.Interfaces.MapReduce;

namespace RaftOrleans.MapReduce.Apps;

/// <summary>Where and as what an app function runs.</summary>
/// <param name="WorkerId">The silo running the task (its address), or "sequential" outside a cluster.</param>
public sealed record TaskContext(string JobId, TaskKind Kind, int Index, int Attempt, string WorkerId)
{
    /// <summary>Set when the attempt should stop (its job was cancelled); the runners check it between records.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The attempt's counters: apps may add their own (<c>context.Counters.Increment("name")</c>).</summary>
    public TaskCounters Counters { get; init; } = new();

    /// <summary>What the user should know about the attempt's input (e.g. bytes that are not UTF-8); reported with the job.</summary>
    public IList<string> Warnings { get; init; } = new List<string>();

    public static TaskContext Sequential(TaskKind kind) => new("sequential", kind, 0, 1, "sequential");
}
