using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// Where the relays of one client (its grain factory) and the peers they carry requests to run, learned in the
/// background and shared by all clerks of that client. A client sends each relay key through one gateway, and the
/// relay runs there: a request through a relay on its peer's own silo goes from the client to that silo and back,
/// one through a relay elsewhere also from the relay's silo to the peer's and back. What is learned is only a preference:
/// every relay reaches every peer, so an entry gone stale (a peer moved, the gateways changed) costs that hop until
/// the next refresh, never an answer.
/// </summary>
internal sealed class RelaySilos
{
    private static readonly ConditionalWeakTable<IGrainFactory, RelaySilos> ByClient = [];

    /// <summary>How long a learned location is used before it is asked again.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    /// <summary>How long one question may take; a silo that does not answer in it is asked at the next refresh.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly string?[] _relaySilo;
    private readonly ConcurrentDictionary<string, (string? Silo, long At)> _peerSilo = new(StringComparer.Ordinal);
    private long _relaysAskedAt = long.MinValue / 2;

    private RelaySilos(IGrainFactory grains, int relays, TimeProvider time)
    {
        _grains = grains;
        _time = time;
        _relaySilo = new string?[relays];
    }

    /// <summary>The one instance of a client; the first clerk's <paramref name="time"/> serves all.</summary>
    public static RelaySilos For(IGrainFactory grains, int relays, TimeProvider time) => ByClient.GetValue(grains, g => new RelaySilos(g, relays, time));

    /// <summary>
    /// A relay on the silo of <paramref name="peerKey"/> that <paramref name="usable"/> accepts, chosen at random among
    /// them (<paramref name="next"/>: a random number below its argument); null while either location is not known yet
    /// (the questions are then on their way).
    /// </summary>
    public int? Beside(string peerKey, Func<int, bool> usable, Func<int, int> next)
    {
        var now = _time.GetTimestamp();
        var refresh = (long)(Refresh.TotalSeconds * _time.TimestampFrequency);
        var asked = Interlocked.Read(ref _relaysAskedAt);
        if (now - asked >= refresh && Interlocked.CompareExchange(ref _relaysAskedAt, now, asked) == asked)
        {
            _ = AskRelaysAsync();
        }

        if (!_peerSilo.TryGetValue(peerKey, out var peer))
        {
            if (_peerSilo.TryAdd(peerKey, (null, now)))
            {
                _ = AskPeerAsync(peerKey);
            }

            return null;
        }

        if (now - peer.At >= refresh && _peerSilo.TryUpdate(peerKey, (peer.Silo, now), peer))
        {
            _ = AskPeerAsync(peerKey);
        }

        if (peer.Silo is not { } silo)
        {
            return null;
        }

        // One of them uniformly at random, in one pass and without allocating (reservoir sampling).
        int? chosen = null;
        var seen = 0;
        for (var relay = 0; relay < _relaySilo.Length; relay++)
        {
            if (Volatile.Read(ref _relaySilo[relay]) == silo && usable(relay) && next(++seen) == 0)
            {
                chosen = relay;
            }
        }

        return chosen;
    }

    /// <summary>An attempt at the peer did not come back: it may have moved, so where it runs is asked again on next use.</summary>
    public void Forget(string peerKey) => _peerSilo.TryRemove(peerKey, out _);

    private async Task AskRelaysAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, _relaySilo.Length).Select(async relay =>
        {
            try
            {
                var silo = await _grains.GetGrain<IRaftRouterGrain>(relay).SiloAsync().WaitAsync(AskTimeout, _time);
                Volatile.Write(ref _relaySilo[relay], silo);
            }
            catch (Exception exception) when (GrainCalls.IsTransient(exception))
            {
                Volatile.Write(ref _relaySilo[relay], null);
            }
        }));
    }

    private async Task AskPeerAsync(string peerKey)
    {
        try
        {
            var state = await _grains.GetGrain<IRaftPeerGrain>(peerKey).GetStateAsync().WaitAsync(AskTimeout, _time);
            _peerSilo[peerKey] = (state.Silo, _time.GetTimestamp());
        }
        catch (Exception exception) when (GrainCalls.IsTransient(exception))
        {
            // Asked again on next use (at most once per AskTimeout, the entry stands while a question is out).
            _peerSilo.TryRemove(peerKey, out _);
        }
    }
}
