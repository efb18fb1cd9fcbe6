using System.Collections.Concurrent;
using Orleans.Storage;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>The job grains' storage in the test silos: the real one, except that a test can make a grain's next writes fail.</summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly ConcurrentDictionary<GrainId, int> FailingWrites = new();

    /// <summary>The next <paramref name="times"/> writes of <paramref name="grain"/> throw an <see cref="IOException"/>.</summary>
    public static void FailNextWrites(GrainId grain, int times) => FailingWrites[grain] = times;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (FailingWrites.TryGetValue(grainId, out var left) && left > 0 && FailingWrites.TryUpdate(grainId, left - 1, left))
        {
            return Task.FromException(new IOException($"injected: the storage of {grainId} is unavailable"));
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
