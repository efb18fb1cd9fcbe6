using RaftOrleans.MapReduce.Apps;

namespace RaftOrleans.Bench;

/// <summary>Map output straight into one dictionary of counts: a word count with no framework around it.</summary>
internal sealed class CountingOutput : IMapOutput
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public int Distinct => _counts.Count;

    public void Emit(string key, string value) => _counts[key] = _counts.GetValueOrDefault(key) + 1;
}
