using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// Calls the leader of one Raft group from a client: finds it (following leader hints), and asks again until it
/// answers. The caller makes a request safe to repeat (a write carries its client's sequence number; a read changes
/// nothing). One request at a time per instance; the attempts of a request may run at once.
/// <para>
/// Requests go through a relay (<see cref="IRaftRouterGrain"/>): the client sends each relay key through one
/// gateway, so a relay that timed out is avoided for a while (<see cref="RelayPool"/>) and a paused gateway silo costs
/// an attempt, not every request to the peers it would carry. A first attempt takes a relay on its peer's own silo
/// when one is known (<see cref="RelaySilos"/>), so that it reaches the peer with no hop between silos. A request goes
/// first to the peer that last answered any caller of the same client and group (so after a leader change one
/// caller's discovery saves the others their timeouts), following its hints. An attempt that outlasts its timeout
/// (<see cref="RoundTripTimer"/>) while its peer goes on answering the other callers is waited for, not sent again:
/// under load the peer is busy, not gone, and a resend would only lengthen its queue. When the peer is silent, or no
/// peer asked knows a leader, the request goes to every peer at once, each through its own relay, until one answers as
/// leader: a new leader is found as soon as it is elected, whichever peers or gateways are silent.
/// </para>
/// </summary>
public sealed class RaftGroupCaller
{
    /// <summary>Per client and group: the peer that last answered, and when (a timestamp of the callers' time).</summary>
    /// <remarks>By name: each caller may have learned other peers, in another order.</remarks>
    private static readonly ConditionalWeakTable<IGrainFactory, ConcurrentDictionary<string, (string Peer, long At)>> LastAnsweredByClient = [];

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly RoundTripTimer _timer;
    private readonly RelayPool _relays;
    private readonly RelaySilos _relaySilos;
    private readonly ConcurrentDictionary<string, (string Peer, long At)> _lastAnswered;

    /// <summary>The group and its peer list: callers of one client share what they learn about it.</summary>
    private readonly string _groupKey;

    private int _leaderGuess;

    /// <summary>An attempt of the request under way may have been appended (it timed out, or its leader was deposed).</summary>
    private bool _mayHaveTakenEffect;

    /// <param name="attemptTimeout">The longest an attempt may take before the caller tries again; sooner once answers came (<see cref="RoundTripTimer"/>).</param>
    /// <param name="time">The clock of every timeout and back-off.</param>
    /// <param name="random">Chooses relays; this caller's alone from now on.</param>
    public RaftGroupCaller(IGrainFactory grains, string group, IReadOnlyList<string> peers, TimeSpan attemptTimeout, TimeProvider time, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfZero(peers.Count);
        _grains = grains;
        Group = group;
        _peers = [.. peers];
        _time = time;
        _timer = new RoundTripTimer(attemptTimeout);
        _relays = new RelayPool(time, random);
        _relaySilos = RelaySilos.For(grains, RelayPool.Size, time);
        _lastAnswered = LastAnsweredByClient.GetValue(grains, _ => new ConcurrentDictionary<string, (string, long)>(StringComparer.Ordinal));
        _groupKey = $"{group}\n{string.Join(',', peers)}";
        _leaderGuess = _lastAnswered.TryGetValue(_groupKey, out var last) ? Learn(last.Peer) : 0;
    }

    public string Group { get; }

    /// <summary>Why the last attempt that failed failed (a call error, or no leader known), for a caller that gives up.</summary>
    public string? LastMiss { get; private set; }

    /// <summary>
    /// The peers this caller asks: those it was given, then any a leader hint named (a peer added to the group since).
    /// Replaced, never changed, so attempts under way read a consistent list.
    /// </summary>
    public IReadOnlyList<string> Peers => _peers;

    private string[] _peers;

    /// <summary>
    /// Each peer's view of itself, or null for a peer that did not answer within the longest attempt timeout (or left
    /// the group). Members named in an answer that this caller did not know of are learned and asked too.
    /// </summary>
    public async Task<IReadOnlyList<(string Peer, PeerState? State)>> PeersAsync(CancellationToken cancellationToken = default)
    {
        var states = await StatesAsync(Peers, cancellationToken);
        var all = states.ToList();

        // Each round asks the members the last answers named first (a peer that left names those that followed it).
        while (states.SelectMany(s => s.State?.Membership?.Members ?? []).Distinct().Where(p => IndexOf(p) < 0).ToList() is { Count: > 0 } newcomers)
        {
            foreach (var peer in newcomers)
            {
                Learn(peer);
            }

            states = await StatesAsync(newcomers, cancellationToken);
            all.AddRange(states);
        }

        return all;
    }

    private async Task<(string Peer, PeerState? State)[]> StatesAsync(IEnumerable<string> peers, CancellationToken cancellationToken) =>
        await Task.WhenAll(peers.Select(async peer =>
        {
            try
            {
                return (peer, (PeerState?)await _grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Group, peer)).GetStateAsync().WaitAsync(_timer.Longest, _time, cancellationToken));
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception) || exception is UnknownGroupException)
            {
                // No answer, or a peer that left the group (or was never in it).
                return (peer, null);
            }
        }));

    /// <summary>
    /// The group's configuration as its leader sees it, and every member's view of itself (null for one that did not
    /// answer). Waits for a leader.
    /// </summary>
    public async Task<(Membership Membership, string Leader, IReadOnlyList<(string Peer, PeerState? State)> States)> MembersAsync(CancellationToken cancellationToken)
    {
        var (leader, state) = await LeaderAsync(cancellationToken);
        var membership = state.Membership ?? throw new InvalidOperationException($"Peer {leader} of group {Group} reports no configuration.");
        var states = await PeersAsync(cancellationToken);
        return (membership, leader, [.. states.Where(s => membership.IsMember(s.Peer))]);
    }

    /// <summary>
    /// Asks the leader for a membership change (<see cref="IRaftPeerGrain.ChangeMembershipAsync"/>) and returns the
    /// configuration once the change is done, or once <paramref name="wait"/> ran out while a new voter catches up.
    /// Asked again only while no leader took it (not the leader, no answer before it was sent).
    /// </summary>
    /// <exception cref="MembershipChangeRefusedException">The leader refused it; nothing changed.</exception>
    /// <exception cref="LeadershipLostException">Leadership changed before the change committed: it may or may not have taken effect.</exception>
    public async Task<Membership> ChangeMembershipAsync(MembershipChange change, TimeSpan wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (leader, _) = await LeaderAsync(cancellationToken);
            try
            {
                var membership = await _grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Group, leader)).ChangeMembershipAsync(change, wait).WaitAsync(cancellationToken);
                foreach (var member in membership.Members)
                {
                    Learn(member);
                }

                return membership;
            }
            catch (NotLeaderException)
            {
                // Deposed between the two calls: the change was not appended; ask the next leader.
            }
        }
    }

    /// <summary>The peer that answers as leader, and its state: found among the known peers, following their hints.</summary>
    private async Task<(string Peer, PeerState State)> LeaderAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var states = await PeersAsync(cancellationToken);
            if (states.FirstOrDefault(s => s.State is { IsLeader: true }) is { State: { } leader } found)
            {
                return (found.Peer, leader);
            }

            foreach (var hint in states.Select(s => s.State?.LeaderHint).OfType<string>())
            {
                Learn(hint);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }
    }

    /// <summary>
    /// Hands the group's leadership to <paramref name="peer"/>: asks whichever peer leads to transfer to it (thesis
    /// §3.10), again should a transfer lapse, until <paramref name="peer"/> leads.
    /// </summary>
    /// <returns>The term <paramref name="peer"/> leads.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is no voter of the group.</exception>
    public async Task<long> MoveLeaderAsync(string peer, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (leaderPeer, leader) = await LeaderAsync(cancellationToken);
            if (leader.Membership is { } membership && !membership.IsVoter(peer))
            {
                throw new ArgumentException($"'{peer}' is no voter of group '{Group}' ({membership}).");
            }

            if (leaderPeer == peer)
            {
                return leader.Term;
            }

            try
            {
                await _grains.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Group, leaderPeer)).TransferLeadershipAsync(peer).WaitAsync(_timer.Longest, _time, cancellationToken);
            }
            catch (Exception exception) when (exception is TimeoutException || GrainCalls.IsTransient(exception))
            {
                // Asked again on the next round.
            }

            Learn(peer);
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> until the leader answers: a write as <see cref="IRaftPeerGrain.ExecuteAsync"/>,
    /// a read as <see cref="IRaftPeerGrain.QueryAsync"/>. First to the peer that last answered, following its leader
    /// hints; when that peer does not answer, or no peer asked knows a leader, to every peer at once.
    /// </summary>
    /// <returns>The state machine's answer.</returns>
    /// <exception cref="RaftStorageUnavailableException">
    /// A peer's storage refused the request and no earlier attempt of it may have taken effect: it was not applied.
    /// </exception>
    public async Task<byte[]> CallAsync(bool read, byte[] request, CancellationToken cancellationToken)
    {
        _mayHaveTakenEffect = false;
        if (_lastAnswered.TryGetValue(_groupKey, out var last))
        {
            _leaderGuess = Learn(last.Peer);
        }

        for (var hop = 0; hop < Peers.Count; hop++)
        {
            var target = _leaderGuess;
            var relay = _relaySilos.Beside(PeerKey(target), _relays.IsUsable, _relays.Random) ?? _relays.Current;
            var (answer, hint) = Outcome(read, await AttemptAsync(target, relay, read, request, firstSend: true, cancellationToken));
            if (answer is not null)
            {
                return answer;
            }

            if (hint is not { } next || next == target)
            {
                break;
            }

            _leaderGuess = next;
        }

        return await AskEveryPeerAsync(read, request, cancellationToken);
    }

    /// <summary>
    /// Asks every peer at once, each through a relay of its own, and asks again as answers come in: a hint at once, a
    /// peer without a leader after a short back-off, a peer that did not answer through another relay. Whichever peer
    /// is or becomes leader answers, while a silent peer or gateway holds up only its own attempt.
    /// </summary>
    private async Task<byte[]> AskEveryPeerAsync(bool read, byte[] request, CancellationToken cancellationToken)
    {
        var attempts = new Dictionary<Task<Attempt>, int>();
        var askedAt = new Dictionary<int, long>();
        var backoff = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var peer = 0; peer < Peers.Count; peer++)
            {
                if (!attempts.ContainsValue(peer) && (!askedAt.TryGetValue(peer, out var at) || _time.GetElapsedTime(at) >= backoff))
                {
                    Ask(peer);
                }
            }

            var pause = Task.Delay(backoff, _time, cancellationToken);
            var finished = await Task.WhenAny(attempts.Keys.Append<Task>(pause));
            if (finished == pause)
            {
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 50));
                continue;
            }

            var attempt = (Task<Attempt>)finished;
            var answered = attempts[attempt];
            attempts.Remove(attempt);
            var (answer, hint) = Outcome(read, await attempt);
            if (answer is not null)
            {
                _leaderGuess = answered;
                return answer;
            }

            if (hint is { } leader && !attempts.ContainsValue(leader))
            {
                Ask(leader);
            }
        }

        void Ask(int peer)
        {
            attempts.Add(AttemptAsync(peer, _relays.PickUsable(), read, request, firstSend: false, cancellationToken), peer);
            askedAt[peer] = _time.GetTimestamp();
        }
    }

    /// <summary>
    /// The answer, or the leader to try next; a storage refusal ends the request only when nothing of it may have
    /// taken effect (a read, or a write no attempt of which may have been appended), and is otherwise one more miss.
    /// </summary>
    private (byte[]? Answer, int? Hint) Outcome(bool read, Attempt attempt)
    {
        _mayHaveTakenEffect |= attempt.MayHaveTakenEffect;
        if (attempt.Refused is { } refused && (read || !_mayHaveTakenEffect))
        {
            throw refused;
        }

        return (attempt.Answer, attempt.Hint is { } hint ? Learn(hint) : null);
    }

    /// <summary>The index of <paramref name="peer"/>, added to <see cref="Peers"/> when a hint names it first.</summary>
    private int Learn(string peer)
    {
        var index = IndexOf(peer);
        if (index >= 0)
        {
            return index;
        }

        _peers = [.. _peers, peer];
        return _peers.Length - 1;
    }

    /// <summary>
    /// One attempt at <paramref name="target"/> through relay <paramref name="relayKey"/>: the answer, or the leader
    /// the peer named (null if none, or if it did not answer in time; the relay is then avoided for a while), or the
    /// storage's refusal.
    /// </summary>
    /// <param name="firstSend">The request was not sent before: its round trip is a fair sample (Karn), and the attempt may wait past its timeout while the peer answers other callers.</param>
    private async Task<Attempt> AttemptAsync(int target, int relayKey, bool read, byte[] request, bool firstSend, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            var relay = _grains.GetGrain<IRaftRouterGrain>(relayKey);
            var answer = read ? relay.QueryAsync(PeerKey(target), request) : relay.ExecuteAsync(PeerKey(target), request);
            var bytes = firstSend
                ? await AwaitAnswerAsync(answer, target, started, _timer.Timeout, cancellationToken)
                : await answer.WaitAsync(_timer.Timeout, _time, cancellationToken);
            _lastAnswered[_groupKey] = (Peers[target], _time.GetTimestamp());
            if (firstSend)
            {
                _timer.Observe(_time.GetElapsedTime(started));
            }

            return new Attempt(bytes, null, false, null);
        }
        catch (NotLeaderException notLeader)
        {
            LastMiss = notLeader.LeaderHint is null ? $"peer {Peers[target]} knows no leader" : null;
            return new Attempt(null, notLeader.LeaderHint, false, null);
        }
        catch (LeadershipLostException)
        {
            return new Attempt(null, null, !read, null);
        }
        catch (UnknownGroupException)
        {
            // A peer removed from the group (or not yet added): it never holds the request.
            LastMiss = $"peer {Peers[target]} is no member of group {Group}";
            return new Attempt(null, null, false, null);
        }
        catch (RaftStorageUnavailableException unavailable)
        {
            return new Attempt(null, null, false, unavailable);
        }
        catch (Exception exception) when (GrainCalls.IsTransient(exception))
        {
            LastMiss = $"peer {Peers[target]}: {exception.GetType().Name}: {exception.Message}";
            _relays.Avoid(relayKey);
            _relaySilos.Forget(PeerKey(target));
            return new Attempt(null, null, !read, null);
        }
    }

    /// <summary>
    /// An attempt's answer within its timeout, or later while the peer goes on answering other callers of this client
    /// (it is alive and busy: a resend would only add to its queue and its log), up to the longest attempt timeout.
    /// </summary>
    private async Task<byte[]> AwaitAnswerAsync(Task<byte[]> answer, int target, long started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await answer.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException) when (AnsweredBy(target, started))
        {
            var left = _timer.Longest - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw;
            }

            return await answer.WaitAsync(left, _time, cancellationToken);
        }
    }

    /// <summary>Whether <paramref name="peer"/> answered a caller of this client after <paramref name="since"/>.</summary>
    private bool AnsweredBy(int peer, long since) =>
        _lastAnswered.TryGetValue(_groupKey, out var answered) && answered.Peer == Peers[peer] && answered.At > since;

    private string PeerKey(int peer) => RaftGroupConfig.PeerKey(Group, Peers[peer]);

    /// <summary>How one attempt ended.</summary>
    /// <param name="MayHaveTakenEffect">The request may have been appended although no answer came (a write only).</param>
    /// <param name="Refused">The peer's storage refused it: this attempt changed nothing.</param>
    private readonly record struct Attempt(byte[]? Answer, string? Hint, bool MayHaveTakenEffect, RaftStorageUnavailableException? Refused);

    private int IndexOf(string peer)
    {
        for (var i = 0; i < Peers.Count; i++)
        {
            if (Peers[i] == peer)
            {
                return i;
            }
        }

        return -1;
    }
}
