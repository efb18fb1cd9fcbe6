using System.Reflection;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>A grain factory that hands out one <see cref="ScriptedRouter"/> for every relay key, and nothing else.</summary>
internal class RouterOnlyGrainFactory : DispatchProxy
{
    private ScriptedRouter _router = null!;

    public static IGrainFactory Create(ScriptedRouter router)
    {
        var factory = DispatchProxy.Create<IGrainFactory, RouterOnlyGrainFactory>();
        ((RouterOnlyGrainFactory)(object)factory)._router = router;
        return factory;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args) =>
        method is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && method.GetGenericArguments()[0] == typeof(IRaftRouterGrain)
            ? _router
            : throw new NotSupportedException($"{method?.Name} is not part of the clerk's conversation with the relays.");
}
