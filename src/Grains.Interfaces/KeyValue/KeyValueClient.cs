using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Interfaces.KeyValue;

/// <summary>
/// A clerk of the replicated key/value service: it finds the group's leader (following leader hints),
/// retries a request until it is answered, and numbers its requests so that a retried one takes effect
/// once. Every request, Get included, goes through the Raft log, so replies are linearizable. One request
/// at a time per client: concurrent calls on one instance wait their turn.
/// <para>
/// Requests go through a relay (<see cref="IRaftRouterGrain"/>): the client sends each relay key through one
/// gateway, so after an attempt that timed out or failed, the clerk avoids that key for a while and tries the same
/// peer through another one, briefly. A paused gateway silo then costs an attempt, not every request to the peers it
/// would carry. A peer that did not answer through two gateways is not followed as a leader hint for a while, since
/// the peers that name it may not have noticed yet that it is gone.
/// </para>
/// </summary>
public sealed class KeyValueClient
{
    /// <summary>Name under which silos register the key/value state machine.</summary>
    public const string StateMachineName = "kv";

    private readonly IGrainFactory _grains;
    private readonly string _group;
    private readonly IReadOnlyList<string> _peers;
    private readonly KvLimits _limits;
    /// <summary>Relays per client: enough to spread attempts over every gateway, few enough to stay activated.</summary>
    private const int Relays = 64;

    private readonly TimeSpan _attemptTimeout;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private static readonly TimeSpan RelayQuarantine = TimeSpan.FromSeconds(10);

    /// <summary>How long the second try of a peer, through another gateway after a timeout, may take.</summary>
    private static readonly TimeSpan SecondLook = TimeSpan.FromMilliseconds(300);

    private readonly long[] _suspectUntil;
    private readonly long[] _relayAvoidedUntil = new long[Relays];
    private long _sequence;
    private int _leaderGuess;
    private int _relay = Random.Shared.Next(Relays);

    public KeyValueClient(IGrainFactory grains, string group, IReadOnlyList<string> peers, KvLimits? limits = null, TimeSpan? attemptTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(peers.Count);
        _grains = grains;
        _group = group;
        _peers = peers;
        _limits = limits ?? new KvLimits();
        _attemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(1);
        _suspectUntil = new long[peers.Count];
    }

    public Guid ClientId { get; } = Guid.NewGuid();

    /// <summary>
    /// Makes every peer a member of a key/value group; idempotent. A peer whose silo just died is asked again
    /// until the cluster has moved it (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    public static Task CreateGroupAsync(IGrainFactory grains, string group, IReadOnlyList<string> peers, CancellationToken cancellationToken = default) =>
        RaftGroups.InitializeAsync(grains, new RaftGroupConfig(group, peers, StateMachineName), cancellationToken);

    /// <summary>Each peer's view of itself (where it runs, its role and log positions), or null for a peer that did not answer within the attempt timeout.</summary>
    public async Task<IReadOnlyList<(string Peer, PeerState? State)>> PeersAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(_peers.Select(async peer =>
        {
            try
            {
                return (peer, (PeerState?)await _grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(_group, peer)).GetStateAsync().WaitAsync(_attemptTimeout, cancellationToken));
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                return (peer, null);
            }
        }));

    public async Task PutAsync(string key, string value, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(KvOperation.Put, key, value, cancellationToken);

    public async Task AppendAsync(string key, string value, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(KvOperation.Append, key, value, cancellationToken);

    /// <summary>The key's value; empty when the key was never written.</summary>
    public async Task<string> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync(KvOperation.Get, key, string.Empty, cancellationToken)).Value;

    /// <exception cref="ArgumentException">The key or value breaks the limits; nothing was sent.</exception>
    /// <exception cref="KvRequestException">The service refused the request.</exception>
    private async Task<KvReply> ExecuteAsync(KvOperation operation, string key, string value, CancellationToken cancellationToken)
    {
        if (_limits.Check(operation, key, value) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var command = new KvCommand(operation, key, value, ClientId, ++_sequence).Encode();
            var backoff = TimeSpan.FromMilliseconds(10);
            var afterTimeout = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var target = _leaderGuess;
                var relay = _grains.GetGrain<IRaftRouterGrain>(_relay);
                try
                {
                    // Right after a timeout the same peer is tried through another gateway, briefly: if it answers,
                    // the gateway was the problem; if not, the peer is given up on.
                    var timeout = afterTimeout ? SecondLook : _attemptTimeout;
                    var reply = KvReply.Decode(await relay.ExecuteAsync(RaftGroupConfig.PeerKey(_group, _peers[target]), command).WaitAsync(timeout, cancellationToken));
                    return reply.Error is null ? reply : throw new KvRequestException(reply.Error);
                }
                catch (NotLeaderException notLeader) when (notLeader.LeaderHint is { } hint && IndexOf(hint) is >= 0 and var index && index != target && !IsSuspect(index))
                {
                    _leaderGuess = index;
                    afterTimeout = false;
                    continue;
                }
                catch (Exception exception) when (exception is TimeoutException or OrleansException && !afterTimeout)
                {
                    // The peer, or the gateway the relay sits behind, did not answer.
                    AvoidRelay();
                    afterTimeout = true;
                    continue;
                }
                catch (Exception exception) when (exception is NotLeaderException or LeadershipLostException or TimeoutException or OrleansException)
                {
                    // No leader known there, leadership changed under the request, or the peer did not answer through
                    // two gateways: try the next peer; the sequence number makes the retry safe.
                    if (afterTimeout)
                    {
                        _suspectUntil[target] = Environment.TickCount64 + (long)(2 * _attemptTimeout.TotalMilliseconds);
                    }

                    afterTimeout = false;
                    _leaderGuess = (target + 1) % _peers.Count;
                }

                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 50));
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private bool IsSuspect(int peer) => Environment.TickCount64 < _suspectUntil[peer];

    /// <summary>The relay in use may sit behind a gateway that does not answer: take another one for a while.</summary>
    private void AvoidRelay()
    {
        var now = Environment.TickCount64;
        _relayAvoidedUntil[_relay] = now + (long)RelayQuarantine.TotalMilliseconds;
        var usable = Enumerable.Range(0, Relays).Where(r => _relayAvoidedUntil[r] <= now).ToArray();
        _relay = usable.Length > 0 ? usable[Random.Shared.Next(usable.Length)] : Random.Shared.Next(Relays);
    }

    private int IndexOf(string peer)
    {
        for (var i = 0; i < _peers.Count; i++)
        {
            if (_peers[i] == peer)
            {
                return i;
            }
        }

        return -1;
    }
}
