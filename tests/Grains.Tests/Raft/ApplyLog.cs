using System.Collections.Concurrent;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The lab's apply checker for one group: what each peer applied (null for a no-op), kept across crashes and restarts.
/// It records an error when two peers apply different commands at one index, or a peer applies out of order.
/// </summary>
public sealed class ApplyLog
{
    private static readonly ConcurrentDictionary<string, ApplyLog> Groups = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<long, int?>> _applied = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];

    /// <summary>The first command applied at each index by any peer; unlike per-peer histories, snapshots never trim it.</summary>
    private readonly Dictionary<long, int?> _log = [];

    public static ApplyLog For(string group) => Groups.GetOrAdd(group, _ => new ApplyLog());

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_lock)
            {
                return _errors.ToArray();
            }
        }
    }

    public long MaxIndex
    {
        get
        {
            lock (_lock)
            {
                return _applied.Values.SelectMany(log => log.Keys).DefaultIfEmpty(0).Max();
            }
        }
    }

    public void Record(string peer, long index, int? value, long previousApplied)
    {
        lock (_lock)
        {
            if (index != previousApplied + 1)
            {
                _errors.Add($"server {peer} apply out of order {index} (last applied {previousApplied})");
            }

            foreach (var (other, log) in _applied)
            {
                if (log.TryGetValue(index, out var theirs) && theirs != value)
                {
                    _errors.Add($"commit index={index} server={peer} {value} != server={other} {theirs}");
                }
            }

            if (_log.TryGetValue(index, out var logged) && logged != value)
            {
                _errors.Add($"commit index={index} server={peer} {value} != earlier {logged}");
            }

            _log[index] = value;
            Peer(peer)[index] = value;
        }
    }

    /// <summary>What was applied at <paramref name="index"/> by anyone, ever; false if nobody applied it.</summary>
    public bool TryGetLogged(long index, out int? value)
    {
        lock (_lock)
        {
            return _log.TryGetValue(index, out value);
        }
    }

    /// <summary>A snapshot covering <paramref name="index"/> replaces the peer's history, as the lab's applier does.</summary>
    public void RecordSnapshot(string peer, long index, int? value)
    {
        lock (_lock)
        {
            var log = Peer(peer);
            log.Clear();
            log[index] = value;
        }
    }

    /// <summary>
    /// How many peers applied <paramref name="index"/>, and the command they agree on (nCommitted); a null
    /// value is a leader's no-op.
    /// </summary>
    public (int Count, int? Value) Committed(long index)
    {
        lock (_lock)
        {
            var values = _applied.Values.Where(log => log.ContainsKey(index)).Select(log => log[index]).ToList();
            return (values.Count, values.Count > 0 ? values[0] : null);
        }
    }

    private Dictionary<long, int?> Peer(string peer)
    {
        if (!_applied.TryGetValue(peer, out var log))
        {
            log = [];
            _applied[peer] = log;
        }

        return log;
    }
}
