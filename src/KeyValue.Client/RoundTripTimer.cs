namespace RaftOrleans.KeyValue.Client;

/// <summary>
/// How long a clerk waits for an attempt before it tries again, as TCP's retransmission timer does (RFC 6298): the
/// smoothed round trip of answered attempts plus four mean deviations, never under <see cref="Shortest"/> and never
/// over the longest attempt timeout, which also holds until the first answer. Only attempts sent once are samples
/// (Karn's rule: a resent request's answer may belong to either send).
/// </summary>
internal sealed class RoundTripTimer(TimeSpan longest)
{
    /// <summary>Well above a healthy round trip, well below an election timeout.</summary>
    public static readonly TimeSpan Shortest = TimeSpan.FromMilliseconds(250);

    /// <summary>Smoothed round trip in ms; negative until the first sample.</summary>
    private double _smoothedMs = -1;

    private double _deviationMs;

    public TimeSpan Longest => longest;

    public TimeSpan Timeout => _smoothedMs < 0
        ? longest
        : TimeSpan.FromMilliseconds(Math.Clamp(_smoothedMs + (4 * _deviationMs), Shortest.TotalMilliseconds, longest.TotalMilliseconds));

    public void Observe(TimeSpan roundTrip)
    {
        var milliseconds = roundTrip.TotalMilliseconds;
        if (_smoothedMs < 0)
        {
            _smoothedMs = milliseconds;
            _deviationMs = milliseconds / 2.0;
            return;
        }

        _deviationMs = (0.75 * _deviationMs) + (0.25 * Math.Abs(_smoothedMs - milliseconds));
        _smoothedMs = (0.875 * _smoothedMs) + (0.125 * milliseconds);
    }
}
