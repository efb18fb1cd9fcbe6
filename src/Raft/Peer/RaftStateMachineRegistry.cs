using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Raft.Peer;

/// <summary>The state machines a silo can run, by name; a group names the one all its peers run.</summary>
public sealed class RaftStateMachineRegistry(IEnumerable<RaftStateMachineRegistration> registrations)
{
    private readonly Dictionary<string, RaftStateMachineRegistration> _registrations =
        registrations.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _registrations.Keys.Order(StringComparer.Ordinal).ToArray();

    public bool Contains(string name) => _registrations.ContainsKey(name);

    public IRaftStateMachine Create(string name, RaftPeerIdentity peer) =>
        _registrations.TryGetValue(name, out var registration)
            ? registration.Create(peer)
            : throw new InvalidOperationException($"No Raft state machine '{name}' on this silo. Known: {string.Join(", ", Names)}.");
}
