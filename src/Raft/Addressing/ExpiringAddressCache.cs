using System.Collections.Concurrent;
using Orleans.Runtime.GrainDirectory;

namespace RaftOrleans.Raft.Addressing;

/// <summary>
/// The silo's cache of addresses from the external grain directories (the Raft peers' directory is the only one),
/// whose entries expire: a lookup after <see cref="Hosting.RaftOptions.AddressCacheTtl"/> reads the directory again.
/// Orleans corrects a cached address only when the old silo answers (a rejection or a forward). A peer that moved
/// away from a silo which then stalls would stay unreachable from every silo that cached the old address until the
/// stalled silo was declared dead, and its group could elect no leader meanwhile. An expiring entry bounds that
/// to the time to live, and costs one directory read per peer and silo per period.
/// </summary>
internal sealed class ExpiringAddressCache(TimeProvider time, TimeSpan timeToLive, int capacity) : IGrainDirectoryCache
{
    private readonly ConcurrentDictionary<GrainId, Entry> _entries = new();

    public IEnumerable<(GrainAddress ActivationAddress, int Version)> KeyValues
    {
        get
        {
            var now = time.GetTimestamp();
            return _entries.Values.Where(e => !IsExpired(e, now)).Select(e => (e.Address, e.Version)).ToArray();
        }
    }

    public void AddOrUpdate(GrainAddress value, int version)
    {
        if (_entries.Count >= capacity)
        {
            RemoveExpired();
            if (_entries.Count >= capacity)
            {
                // A cache may forget: every peer is looked up again once.
                _entries.Clear();
            }
        }

        _entries[value.GrainId] = new Entry(value, version, time.GetTimestamp());
    }

    public bool Remove(GrainId key) => _entries.TryRemove(key, out _);

    public bool Remove(GrainAddress key) =>
        _entries.TryGetValue(key.GrainId, out var entry)
        && entry.Address.Matches(key)
        && _entries.TryRemove(new KeyValuePair<GrainId, Entry>(key.GrainId, entry));

    public void Clear() => _entries.Clear();

    public bool LookUp(GrainId key, out GrainAddress result, out int version)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (!IsExpired(entry, time.GetTimestamp()))
            {
                result = entry.Address;
                version = entry.Version;
                return true;
            }

            _entries.TryRemove(new KeyValuePair<GrainId, Entry>(key, entry));
        }

        result = default!;
        version = default;
        return false;
    }

    private bool IsExpired(Entry entry, long now) => time.GetElapsedTime(entry.AddedAt, now) >= timeToLive;

    private void RemoveExpired()
    {
        var now = time.GetTimestamp();
        foreach (var pair in _entries)
        {
            if (IsExpired(pair.Value, now))
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed record Entry(GrainAddress Address, int Version, long AddedAt);
}
