using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// A clerk of the replicated key/value service: the store's operations as methods, each request checked against the
/// limits before it is sent and numbered so that a retried write takes effect once (the store remembers each
/// client's last sequence number and reply). Writes go through the Raft log; a Get or a Scan is a ReadIndex query of
/// the leader (no log write), so every reply is linearizable. <see cref="RaftGroupCaller"/> finds the leader and asks
/// again until answered. One request at a time per clerk: concurrent calls on one instance wait their turn.
/// </summary>
public sealed class KeyValueClient
{
    private readonly RaftGroupCaller _group;
    private readonly KvLimits _limits;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private long _sequence;

    /// <param name="limits">What a request may carry; the store's defaults unless the silos were given others.</param>
    /// <param name="attemptTimeout">The longest an attempt may take before the clerk tries again (1 s by default; sooner once answers came).</param>
    /// <param name="time">The clock of every timeout; the system's by default.</param>
    /// <param name="random">Spreads attempts over relays; a new one by default.</param>
    public KeyValueClient(
        IGrainFactory grains,
        string group,
        IReadOnlyList<string> peers,
        KvLimits? limits = null,
        TimeSpan? attemptTimeout = null,
        TimeProvider? time = null,
        Random? random = null)
    {
        _group = new RaftGroupCaller(grains, group, peers, attemptTimeout ?? TimeSpan.FromSeconds(1), time ?? TimeProvider.System, random ?? new Random());
        _limits = limits ?? new KvLimits();
    }

    public Guid ClientId { get; } = Guid.NewGuid();

    /// <summary>Why the last failed attempt failed, for a caller that gives up on a request.</summary>
    public string? LastMiss => _group.LastMiss;

    /// <summary>
    /// Makes every peer a member of a key/value group; idempotent. A peer whose silo just died is asked again
    /// until the cluster has moved it (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    /// <param name="onMiss">Told of each failed call that is asked again.</param>
    public static Task CreateGroupAsync(IGrainFactory grains, string group, IReadOnlyList<string> peers, CancellationToken cancellationToken = default, Action<Exception>? onMiss = null) =>
        RaftGroups.InitializeAsync(grains, new RaftGroupConfig(group, peers, KeyValueStore.StateMachineName), cancellationToken, onMiss);

    /// <summary>The clerk's check of a request before it is sent (the store checks again, on every peer alike).</summary>
    /// <exception cref="ArgumentException">The key, value or limit breaks <paramref name="limits"/>.</exception>
    public static void Validate(KvOperation operation, string key, string value, int limit = 0, KvLimits? limits = null)
    {
        if ((limits ?? new KvLimits()).Check(operation, key, value, limit) is { } problem)
        {
            throw new ArgumentException(problem);
        }
    }

    /// <summary>Each peer's view of itself (where it runs, its role and log positions), or null for a peer that did not answer within the attempt timeout.</summary>
    public Task<IReadOnlyList<(string Peer, PeerState? State)>> PeersAsync(CancellationToken cancellationToken = default) =>
        _group.PeersAsync(cancellationToken);

    /// <summary>The group's configuration as its leader sees it, the leader, and every member's view of itself (null: no answer).</summary>
    public Task<(Membership Membership, string Leader, IReadOnlyList<(string Peer, PeerState? State)> States)> MembersAsync(CancellationToken cancellationToken = default) =>
        _group.MembersAsync(cancellationToken);

    /// <summary>Changes the group's membership through its leader; the configuration once done (<see cref="RaftGroupCaller.ChangeMembershipAsync"/>).</summary>
    /// <exception cref="MembershipChangeRefusedException">Refused; nothing changed.</exception>
    /// <exception cref="LeadershipLostException">The leader changed before the change committed: its fate is unknown.</exception>
    public Task<Membership> ChangeMembershipAsync(MembershipChange change, TimeSpan wait, CancellationToken cancellationToken = default) =>
        _group.ChangeMembershipAsync(change, wait, cancellationToken);

    /// <summary>Hands the group's leadership to <paramref name="peer"/> (thesis §3.10) and waits until it leads.</summary>
    /// <returns>The term it leads.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is no voter of the group.</exception>
    public Task<long> MoveLeaderAsync(string peer, CancellationToken cancellationToken = default) => _group.MoveLeaderAsync(peer, cancellationToken);

    public async Task PutAsync(string key, string value, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(new KvCommand(KvOperation.Put, key, value, ClientId, 0), cancellationToken);

    public async Task AppendAsync(string key, string value, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(new KvCommand(KvOperation.Append, key, value, ClientId, 0), cancellationToken);

    /// <summary>Removes the key; it then reads as empty.</summary>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(new KvCommand(KvOperation.Delete, key, string.Empty, ClientId, 0), cancellationToken);

    /// <summary>
    /// Sets the key to <paramref name="value"/> if it holds <paramref name="expected"/> (empty for a missing key), in one
    /// step of the log; otherwise changes nothing.
    /// </summary>
    /// <returns>Whether it swapped, and the value the key held when it did not.</returns>
    public async Task<(bool Swapped, string Current)> CompareAndSwapAsync(string key, string expected, string value, CancellationToken cancellationToken = default)
    {
        var reply = await ExecuteAsync(new KvCommand(KvOperation.CompareAndSwap, key, value, ClientId, 0, expected), cancellationToken);
        return (reply.Swapped, reply.Swapped ? value : reply.Value);
    }

    /// <summary>The key's value; empty when the key was never written.</summary>
    public async Task<string> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(new KvCommand(KvOperation.Get, key, string.Empty, ClientId, 0), cancellationToken)).Value;

    /// <summary>The keys that start with <paramref name="prefix"/>, in ordinal order, at most <paramref name="limit"/>, with their values, as of one instant.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ScanAsync(string prefix, int limit, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(new KvCommand(KvOperation.Scan, prefix, string.Empty, ClientId, 0, Limit: limit), cancellationToken)).Entries ?? [];

    /// <exception cref="ArgumentException">The key or value breaks the limits; nothing was sent.</exception>
    /// <exception cref="KvRequestException">The service refused the request.</exception>
    /// <exception cref="RaftStorageUnavailableException">The group's storage refused the request (a full disk): it was not applied.</exception>
    private async Task<KvReply> ExecuteAsync(KvCommand command, CancellationToken cancellationToken)
    {
        Validate(command.Operation, command.Key, command.Value, command.Limit, _limits);
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            // A read needs no sequence number: it changes nothing, so asking again is always safe.
            var read = command.Operation is KvOperation.Get or KvOperation.Scan;
            var request = (command with { Sequence = read ? 0 : ++_sequence }).Encode();
            var reply = KvReply.Decode(await _group.CallAsync(read, request, cancellationToken));
            return reply.Error is null ? reply : throw new KvRequestException(reply.Error);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
