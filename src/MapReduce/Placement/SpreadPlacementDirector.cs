using Orleans.Runtime.Placement;

namespace RaftOrleans.MapReduce.Placement;

/// <summary>
/// Round-robin over the compatible silos, in a stable order, from a random start; a call that names a silo to avoid
/// (a backup attempt, away from its straggler) goes elsewhere when there is anywhere else.
/// </summary>
internal sealed class SpreadPlacementDirector : IPlacementDirector
{
    /// <summary>Request-context key: the parsable address of a silo the new activation should not go to.</summary>
    public const string AvoidSiloKey = "mr.avoid-silo";

    private int _next = Random.Shared.Next();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (silos.Length == 0)
        {
            throw new OrleansException($"No silo can host {target.GrainIdentity}.");
        }

        if (target.RequestContextData?.GetValueOrDefault(AvoidSiloKey) is string avoid && silos.Any(s => s.ToParsableString() != avoid))
        {
            silos = [.. silos.Where(s => s.ToParsableString() != avoid)];
        }

        Array.Sort(silos, static (a, b) => string.CompareOrdinal(a.ToParsableString(), b.ToParsableString()));
        var turn = (uint)Interlocked.Increment(ref _next);
        return Task.FromResult(silos[turn % (uint)silos.Length]);
    }
}
