using Orleans.Runtime.Placement;

namespace RaftOrleans.Grains.MapReduce.Placement;

/// <summary>Round-robin over the compatible silos, in a stable order, from a random start.</summary>
internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    private int _next = Random.Shared.Next();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        Array.Sort(silos, static (a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        var turn = (uint)Interlocked.Increment(ref _next);
        return Task.FromResult(silos[turn % (uint)silos.Length]);
    }
}
