namespace RaftOrleans.MapReduce.Apps;

/// <summary>
/// A MapReduce application, plugged in by name (see <c>AddMapReduceApp</c>).
/// Both functions run on a dedicated thread, never on a grain's scheduler, and may run
/// several times for one task (re-execution), so they must be deterministic and side-effect free
/// for the job's output to be well defined.
/// </summary>
public interface IMapReduceApp
{
    /// <summary>Emits the key/value pairs of one input file.</summary>
    void Map(TaskContext context, string fileName, string contents, IMapOutput output);

    /// <summary>Folds every value emitted for <paramref name="key"/> into the output value.</summary>
    string Reduce(TaskContext context, string key, IReadOnlyList<string> values);
}
