namespace RaftOrleans.MapReduce.Apps;

/// <summary>The applications a silo can run, by name.</summary>
public sealed class MapReduceAppRegistry
{
    private readonly IReadOnlyDictionary<string, IMapReduceApp> _apps;

    public MapReduceAppRegistry(IEnumerable<MapReduceAppRegistration> registrations)
    {
        var apps = new Dictionary<string, IMapReduceApp>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            apps[registration.Name] = registration.App;
        }

        _apps = apps;
    }

    public IReadOnlyCollection<string> Names => _apps.Keys.Order(StringComparer.Ordinal).ToArray();

    public bool TryGet(string name, out IMapReduceApp app) => _apps.TryGetValue(name, out app!);

    /// <exception cref="UnknownAppException">No app of that name is registered.</exception>
    public IMapReduceApp Get(string name) =>
        TryGet(name, out var app) ? app : throw new UnknownAppException(name, Names);
}
