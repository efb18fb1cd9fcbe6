namespace RaftOrleans.Linearizability;

/// <summary>
/// A scan reads many keys at one instant; the per-key checker sees it as one Get per key of the test's key set that
/// the prefix covers, all over the scan's interval, with the value the scan returned (empty for a key it did not
/// return). So every value a scan returns, and every key it leaves out, is checked against that key's history; that
/// one scan saw all its keys at the same instant is not (it reads one applied state by construction).
/// </summary>
public static class KvScans
{
    /// <summary>Records the call of a scan over <paramref name="keys"/> (the covered keys of the test's key set).</summary>
    public static int[] Invoke(HistoryRecorder<KvInput, KvOutput> history, int clientId, IReadOnlyList<string> keys) =>
        [.. keys.Select(key => history.Invoke(clientId, KvInput.Get(key)))];

    /// <summary>Records its return; <paramref name="entries"/> must include every covered key the scan found (a limit above the key set).</summary>
    public static void Complete(HistoryRecorder<KvInput, KvOutput> history, int[] handles, IReadOnlyList<string> keys, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var found = entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            history.Complete(handles[i], new KvOutput(found.GetValueOrDefault(keys[i], string.Empty)));
        }
    }
}
