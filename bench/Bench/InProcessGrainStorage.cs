using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Storage;

namespace RaftOrleans.Bench;

/// <summary>
/// Grain storage in a dictionary of this process, with ETag checks: no I/O and no storage grain (Orleans' memory
/// storage sends every read and write to a storage grain, often on another silo). It shows what the Raft grains
/// themselves cost.
/// </summary>
internal sealed class InProcessGrainStorage : IGrainStorage
{
    public static InProcessGrainStorage Shared { get; } = new();

    private readonly ConcurrentDictionary<(string, GrainId), (object State, long Version)> _records = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = (T)record.State;
            grainState.ETag = record.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        lock (_records)
        {
            var current = _records.TryGetValue(key, out var record) ? record.Version.ToString(CultureInfo.InvariantCulture) : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch on {stateName} of {grainId}", current ?? string.Empty, grainState.ETag ?? string.Empty);
            }

            var version = (record.Version) + 1;
            _records[key] = (grainState.State!, version);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (stateName, grainId);
        lock (_records)
        {
            var current = _records.TryGetValue(key, out var record) ? record.Version.ToString(CultureInfo.InvariantCulture) : null;
            if (current != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch on {stateName} of {grainId}", current ?? string.Empty, grainState.ETag ?? string.Empty);
            }

            _records.TryRemove(key, out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }
}
