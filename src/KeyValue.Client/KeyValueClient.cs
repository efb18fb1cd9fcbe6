using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// A clerk of the replicated key/value service: it finds the group's leader (following leader hints),
/// retries a request until it is answered, and numbers its requests so that a retried one takes effect
/// once. Writes go through the Raft log; a Get is a ReadIndex query of the leader (no log write), so every reply is
/// linearizable. One request at a time per client: concurrent calls on one instance wait their turn.
/// <para>
/// Requests go through a relay (<see cref="IRaftRouterGrain"/>): the client sends each relay key through one
/// gateway, so a relay that timed out is avoided for a while and a paused gateway silo costs an attempt, not every
/// request to the peers it would carry. A first attempt takes a relay on its peer's own silo when one is known
/// (<see cref="RelaySilos"/>), so that it reaches the peer with no hop between silos. A request goes first to the
/// peer that last answered any clerk of this process (so after a leader change one clerk's discovery saves the
/// others their timeouts), following its hints.
/// An attempt that outlasts its timeout while its peer goes on answering the other clerks is waited for, not sent
/// again: under load the peer is busy, not gone, and a resend would only lengthen its queue. When the peer is
/// silent, or no peer asked knows a leader, the request goes to every peer at once, each through its own relay,
/// until one answers as leader: a new leader is found as soon as it is elected, whichever peers or gateways are
/// silent.
/// </para>
/// </summary>
public sealed class KeyValueClient
{
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

    /// <summary>Smoothed round trip of answered attempts and its mean deviation, in ms (negative: none yet).</summary>
    private double _roundTripMs = -1;
    private double _roundTripDeviationMs;

    private readonly long[] _relayAvoidedUntil = new long[Relays];
    /// <summary>
    /// The peer that last answered a request of any clerk of this process, per group and peer list: once one clerk
    /// has found a new leader, the others try it first instead of each finding it by timeouts of their own.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (int Peer, long At)> SharedLeader = new(StringComparer.Ordinal);

    private readonly string _sharedKey;
    private readonly RelaySilos _relaySilos;
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
        _sharedKey = $"{group}\n{string.Join(',', peers)}";
        _leaderGuess = SharedLeader.GetValueOrDefault(_sharedKey).Peer;
        _relaySilos = RelaySilos.For(grains, Relays);
    }

    public Guid ClientId { get; } = Guid.NewGuid();

    /// <summary>
    /// Makes every peer a member of a key/value group; idempotent. A peer whose silo just died is asked again
    /// until the cluster has moved it (bounded by <paramref name="cancellationToken"/>).
    /// </summary>
    public static Task CreateGroupAsync(IGrainFactory grains, string group, IReadOnlyList<string> peers, CancellationToken cancellationToken = default) =>
        RaftGroups.InitializeAsync(grains, new RaftGroupConfig(group, peers, KeyValueStore.StateMachineName), cancellationToken);

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

    /// <summary>
    /// Sends one request until the leader answers it. First to the peer that last answered a clerk of this process,
    /// following its leader hints; when that peer does not answer, or no peer asked knows a leader, to every peer at
    /// once (<see cref="AskEveryPeerAsync"/>).
    /// </summary>
    private async Task<KvReply> SendAsync(bool read, byte[] command, CancellationToken cancellationToken)
    {
        if (SharedLeader.TryGetValue(_sharedKey, out var shared))
        {
            _leaderGuess = shared.Peer;
        }

        for (var hop = 0; hop < _peers.Count; hop++)
        {
            var target = _leaderGuess;
            var relay = _relaySilos.Beside(RaftGroupConfig.PeerKey(_group, _peers[target]), IsUsable) ?? _relay;
            var (reply, hint) = await AttemptAsync(target, relay, read, command, firstSend: true, cancellationToken);
            if (reply is not null)
            {
                return Checked(reply);
            }

            if (hint is not { } next || next == target)
            {
                break;
            }

            _leaderGuess = next;
        }

        return Checked(await AskEveryPeerAsync(read, command, cancellationToken));
    }

    /// <summary>
    /// Asks every peer at once, each through a relay of its own, and asks again as answers come in: a hint at once, a
    /// peer without a leader after a short back-off, a peer that did not answer through another relay. Whichever peer
    /// is or becomes leader answers, while a silent peer or gateway holds up only its own attempt. Safe: only a leader
    /// executes a command, and its sequence number makes it take effect once.
    /// </summary>
    private async Task<KvReply> AskEveryPeerAsync(bool read, byte[] command, CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<Task<(KvReply? Reply, int? Hint)>, int>();
        var askedAt = new long?[_peers.Count];
        var backoff = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var peer = 0; peer < _peers.Count; peer++)
            {
                if (!attempts.ContainsValue(peer) && (askedAt[peer] is not { } at || Environment.TickCount64 - at >= backoff.TotalMilliseconds))
                {
                    Ask(peer);
                }
            }

            var pause = Task.Delay(backoff, cancellationToken);
            var finished = await Task.WhenAny(attempts.Keys.Append<Task>(pause));
            if (finished == pause)
            {
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 50));
                continue;
            }

            var attempt = (Task<(KvReply? Reply, int? Hint)>)finished;
            var answered = attempts[attempt];
            attempts.Remove(attempt);
            var (reply, hint) = await attempt;
            if (reply is not null)
            {
                _leaderGuess = answered;
                return reply;
            }

            if (hint is { } leader && !attempts.ContainsValue(leader))
            {
                Ask(leader);
            }
        }

        void Ask(int peer)
        {
            attempts.Add(AttemptAsync(peer, UsableRelay(), read, command, firstSend: false, cancellationToken), peer);
            askedAt[peer] = Environment.TickCount64;
        }
    }

    /// <summary>
    /// One attempt at <paramref name="target"/> through relay <paramref name="relayKey"/>: the reply, or the leader
    /// the peer named (null if none, or if it did not answer in time; the relay is then avoided for a while).
    /// </summary>
    /// <param name="firstSend">The command was not sent before: its round trip is a fair sample (Karn), and the attempt may wait past its timeout while the peer answers other clerks.</param>
    private async Task<(KvReply? Reply, int? Hint)> AttemptAsync(int target, int relayKey, bool read, byte[] command, bool firstSend, CancellationToken cancellationToken)
    {
        var started = Environment.TickCount64;
        try
        {
            var relay = _grains.GetGrain<IRaftRouterGrain>(relayKey);
            var peerKey = RaftGroupConfig.PeerKey(_group, _peers[target]);
            var answer = read ? relay.QueryAsync(peerKey, command) : relay.ExecuteAsync(peerKey, command);
            var bytes = firstSend
                ? await AwaitAnswerAsync(answer, target, started, AttemptTimeout(), cancellationToken)
                : await answer.WaitAsync(AttemptTimeout(), cancellationToken);
            SharedLeader[_sharedKey] = (target, Environment.TickCount64);
            if (firstSend)
            {
                ObserveRoundTrip(Environment.TickCount64 - started);
            }

            return (KvReply.Decode(bytes), null);
        }
        catch (NotLeaderException notLeader)
        {
            return (null, notLeader.LeaderHint is { } hint && IndexOf(hint) is >= 0 and var index ? index : null);
        }
        catch (LeadershipLostException)
        {
            return (null, null);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            AvoidRelay(relayKey);
            _relaySilos.Forget(RaftGroupConfig.PeerKey(_group, _peers[target]));
            return (null, null);
        }
    }

    private static KvReply Checked(KvReply reply) => reply.Error is null ? reply : throw new KvRequestException(reply.Error);

    /// <summary>
    /// An attempt's answer within its timeout, or later while the peer goes on answering other clerks of this process
    /// (it is alive and busy: a resend would only add to its queue and its log), up to the longest attempt timeout.
    /// </summary>
    private async Task<byte[]> AwaitAnswerAsync(Task<byte[]> answer, int target, long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException) when (AnsweredBy(target, started))
        {
            var left = _attemptTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            if (left <= TimeSpan.Zero)
            {
                throw;
            }

            return await answer.WaitAsync(left, cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="peer"/> answered a clerk of this process after <paramref name="since"/>.</summary>
    private bool AnsweredBy(int peer, long since) =>
        SharedLeader.TryGetValue(_sharedKey, out var answered) && answered.Peer == peer && answered.At > since;

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

    /// <summary>A relay that did not answer may sit behind a gateway that does not: others are used for a while.</summary>
    private void AvoidRelay(int relay)
    {
        lock (_relayAvoidedUntil)
        {
            _relayAvoidedUntil[relay] = Environment.TickCount64 + (long)RelayQuarantine.TotalMilliseconds;
        }

        if (relay == _relay)
        {
            _relay = UsableRelay();
        }
    }

    private bool IsUsable(int relay)
    {
        lock (_relayAvoidedUntil)
        {
            return _relayAvoidedUntil[relay] <= Environment.TickCount64;
        }
    }

    /// <summary>A relay chosen at random among those not avoided (any, if all are).</summary>
    private int UsableRelay()
    {
        var now = Environment.TickCount64;
        int[] usable;
        lock (_relayAvoidedUntil)
        {
            usable = [.. Enumerable.Range(0, Relays).Where(r => _relayAvoidedUntil[r] <= now)];
        }

        return usable.Length > 0 ? usable[Random.Shared.Next(usable.Length)] : Random.Shared.Next(Relays);
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
