using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Interfaces.KeyValue;

/// <summary>
/// A clerk of the replicated key/value service: it finds the group's leader (following leader hints),
/// retries a request until it is answered, and numbers its requests so that a retried one takes effect
/// once. Writes go through the Raft log; a Get is a ReadIndex query of the leader (no log write), so every reply is
/// linearizable. One request at a time per client: concurrent calls on one instance wait their turn.
/// <para>
/// Requests go through a relay (<see cref="IRaftRouterGrain"/>): the client sends each relay key through one
/// gateway, so after an attempt that timed out or failed, the clerk avoids that key for a while and tries the same
/// peer through another one, briefly. A paused gateway silo then costs an attempt, not every request to the peers it
/// would carry. A peer that did not answer through two gateways is not followed as a leader hint for a while, since
/// the peers that name it may not have noticed yet that it is gone. The clerks of a process share the peer that last
/// answered any of them, so after a leader change one clerk's discovery saves the others their timeouts.
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

    /// <summary>The shortest attempt timeout: well above a healthy round trip, well below an election timeout.</summary>
    private static readonly TimeSpan MinAttemptTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a peer that did not answer through two gateways is not taken as a leader hint.</summary>
    private static readonly TimeSpan SuspectFor = TimeSpan.FromSeconds(2);

    /// <summary>Smoothed round trip of answered attempts and its mean deviation, in ms (negative: none yet).</summary>
    private double _roundTripMs = -1;
    private double _roundTripDeviationMs;

    private readonly long[] _suspectUntil;
    private readonly long[] _relayAvoidedUntil = new long[Relays];
    /// <summary>
    /// The peer that last answered a request of any clerk of this process, per group and peer list: once one clerk
    /// has found a new leader, the others try it first instead of each finding it by timeouts of their own.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (int Peer, long At)> SharedLeader = new(StringComparer.Ordinal);

    private readonly string _sharedKey;
    private long _sequence;
    private int _leaderGuess;
    private int _relay = Random.Shared.Next(Relays);

    /// <param name="attemptTimeout">
    /// The longest an attempt may take before the clerk tries again (1 s by default). Attempts time out sooner once
    /// the clerk has seen answers: after the smoothed round trip plus four deviations (as TCP's retransmission
    /// timer), and never under 250 ms.
    /// </param>
    public KeyValueClient(IGrainFactory grains, string group, IReadOnlyList<string> peers, KvLimits? limits = null, TimeSpan? attemptTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(peers.Count);
        _grains = grains;
        _group = group;
        _peers = peers;
        _limits = limits ?? new KvLimits();
        _attemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(1);
        _suspectUntil = new long[peers.Count];
        _sharedKey = $"{group}\n{string.Join(',', peers)}";
        _leaderGuess = SharedLeader.GetValueOrDefault(_sharedKey).Peer;
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

    private async Task<KvReply> ExecuteAsync(KvOperation operation, string key, string value, CancellationToken cancellationToken) =>
        await ExecuteAsync(new KvCommand(operation, key, value, ClientId, 0), cancellationToken);

    /// <exception cref="ArgumentException">The key or value breaks the limits; nothing was sent.</exception>
    /// <exception cref="KvRequestException">The service refused the request.</exception>
    private async Task<KvReply> ExecuteAsync(KvCommand command, CancellationToken cancellationToken)
    {
        if (_limits.Check(command.Operation, command.Key, command.Value, command.Limit) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            // A read needs no sequence number: it changes nothing, so asking again is always safe.
            var read = command.Operation is KvOperation.Get or KvOperation.Scan;
            var request = (command with { Sequence = read ? 0 : ++_sequence }).Encode();
            return await SendAsync(read, request, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>Sends one request until the leader answers it: through relays, following hints, around silent peers and gateways.</summary>
    private async Task<KvReply> SendAsync(bool read, byte[] command, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(10);
        var afterTimeout = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var target = _leaderGuess;
            var relay = _grains.GetGrain<IRaftRouterGrain>(_relay);
            var started = Environment.TickCount64;
            try
            {
                // Right after a timeout the same peer is tried through another gateway: if it answers, the gateway
                // was the problem; if not, the peer is given up on.
                var peerKey = RaftGroupConfig.PeerKey(_group, _peers[target]);
                var answer = read ? relay.QueryAsync(peerKey, command) : relay.ExecuteAsync(peerKey, command);
                // The retry through another gateway gets half the time: if the peer itself is gone, the next one is tried sooner.
                var timeout = afterTimeout ? TimeSpan.FromTicks(Math.Max(MinAttemptTimeout.Ticks, AttemptTimeout().Ticks / 2)) : AttemptTimeout();
                var reply = KvReply.Decode(await answer.WaitAsync(timeout, cancellationToken));
                SharedLeader[_sharedKey] = (target, Environment.TickCount64);
                if (!afterTimeout)
                {
                    // Only attempts answered at the first try: a retry's answer may belong to the earlier attempt (Karn).
                    ObserveRoundTrip(Environment.TickCount64 - started);
                }

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
                // The peer, or the gateway the relay sits behind, did not answer. If another clerk has since heard
                // from another peer, that one is tried first; otherwise the same peer through another gateway.
                AvoidRelay();
                if (AnsweredSince(started) is { } other && other != target && !IsSuspect(other))
                {
                    _leaderGuess = other;
                    continue;
                }

                afterTimeout = true;
                continue;
            }
            catch (Exception exception) when (exception is NotLeaderException or LeadershipLostException or TimeoutException or OrleansException)
            {
                // No leader known there, leadership changed under the request, or the peer did not answer through
                // two gateways: try the next peer; the sequence number makes the retry safe.
                if (afterTimeout)
                {
                    _suspectUntil[target] = Environment.TickCount64 + (long)SuspectFor.TotalMilliseconds;
                }

                afterTimeout = false;
                _leaderGuess = AnsweredSince(started) is { } shared && shared != target && !IsSuspect(shared) ? shared : NextPeer(target);
            }

            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 50));
        }
    }

    /// <summary>The peer that answered a clerk of this process after <paramref name="since"/>: news, not the stale guess every clerk began with.</summary>
    private int? AnsweredSince(long since) =>
        SharedLeader.TryGetValue(_sharedKey, out var answered) && answered.At > since ? answered.Peer : null;

    private TimeSpan AttemptTimeout() => _roundTripMs < 0
        ? _attemptTimeout
        : TimeSpan.FromMilliseconds(Math.Clamp(_roundTripMs + (4 * _roundTripDeviationMs), MinAttemptTimeout.TotalMilliseconds, _attemptTimeout.TotalMilliseconds));

    private void ObserveRoundTrip(long milliseconds)
    {
        if (_roundTripMs < 0)
        {
            _roundTripMs = milliseconds;
            _roundTripDeviationMs = milliseconds / 2.0;
            return;
        }

        _roundTripDeviationMs = (0.75 * _roundTripDeviationMs) + (0.25 * Math.Abs(_roundTripMs - milliseconds));
        _roundTripMs = (0.875 * _roundTripMs) + (0.125 * milliseconds);
    }

    /// <summary>The peer after <paramref name="peer"/> in turn that has not just failed to answer (any, if all have).</summary>
    private int NextPeer(int peer)
    {
        for (var step = 1; step <= _peers.Count; step++)
        {
            var next = (peer + step) % _peers.Count;
            if (!IsSuspect(next))
            {
                return next;
            }
        }

        return (peer + 1) % _peers.Count;
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
