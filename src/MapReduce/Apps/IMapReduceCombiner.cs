namespace RaftOrleans.MapReduce.Apps;

/// <summary>
/// Optional map-side pre-aggregation (the paper's combiner function, §4.3). An app implements it
/// when folding a subset of the values gives a value its <see cref="IMapReduceApp.Reduce"/> can fold again.
/// </summary>
public interface IMapReduceCombiner
{
    string Combine(string key, IReadOnlyList<string> values);
}
