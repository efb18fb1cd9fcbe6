namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// The relay keys one clerk spreads its attempts over. A client sends each relay key through one gateway, so a relay
/// whose attempt timed out may sit behind a gateway that does not answer: it is avoided for <see cref="Quarantine"/>,
/// while the others carry the clerk's requests. Thread-safe (its random source included): the attempts of one request run
/// at once.
/// </summary>
internal sealed class RelayPool
{
    /// <summary>Relays per clerk: enough to spread attempts over every gateway, few enough to stay activated.</summary>
    public const int Size = 64;

    public static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly long[] _avoidedUntil = new long[Size];
    private int _current;

    public RelayPool(TimeProvider time, Random random)
    {
        _time = time;
        _random = random;
        _current = random.Next(Size);
    }

    /// <summary>The relay for a first attempt when none beside its peer is known.</summary>
    public int Current => Volatile.Read(ref _current);

    public bool IsUsable(int relay)
    {
        lock (_avoidedUntil)
        {
            return _avoidedUntil[relay] <= _time.GetTimestamp();
        }
    }

    /// <summary>An attempt through <paramref name="relay"/> timed out: others are used for a while.</summary>
    public void Avoid(int relay)
    {
        lock (_avoidedUntil)
        {
            _avoidedUntil[relay] = _time.GetTimestamp() + (long)(Quarantine.TotalSeconds * _time.TimestampFrequency);
        }

        if (relay == Current)
        {
            Volatile.Write(ref _current, PickUsable());
        }
    }

    /// <summary>A random number below <paramref name="maxValue"/>, from the pool's source (which is not thread-safe by itself).</summary>
    public int Random(int maxValue)
    {
        lock (_avoidedUntil)
        {
            return _random.Next(maxValue);
        }
    }

    /// <summary>A relay chosen at random among those not avoided (any, if all are).</summary>
    public int PickUsable()
    {
        lock (_avoidedUntil)
        {
            var now = _time.GetTimestamp();
            var usable = Enumerable.Range(0, Size).Where(r => _avoidedUntil[r] <= now).ToArray();
            return usable.Length > 0 ? usable[_random.Next(usable.Length)] : _random.Next(Size);
        }
    }
}
