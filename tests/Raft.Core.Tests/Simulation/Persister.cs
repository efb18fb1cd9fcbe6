namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>The simulated stable storage of one server (the lab's Persister): hard state, log, snapshot.</summary>
public sealed class Persister
{
    public HardState HardState { get; private set; } = HardState.Initial;

    public RaftSnapshot? Snapshot { get; private set; }

    public List<LogEntry> Log { get; private set; } = [];

    /// <summary>Bytes of the raft state (hard state + log), not the snapshot: the 2D MAXLOGSIZE check.</summary>
    public long RaftStateSize => 16 + (HardState.VotedFor?.Length ?? 0) + Log.Sum(e => e.SizeEstimate);

    public long LastIndex => Log.Count > 0 ? Log[^1].Index : Snapshot?.LastIncludedIndex ?? 0;

    public Persister Copy() => new()
    {
        HardState = HardState,
        Snapshot = Snapshot,
        Log = [.. Log],
    };

    /// <summary>Applies the persistence part of a Ready in the documented order; returns an error text on a contract violation.</summary>
    public string? Save(Ready ready)
    {
        if (ready.Snapshot is { } s)
        {
            if (Snapshot is not null && s.LastIncludedIndex < Snapshot.LastIncludedIndex)
            {
                return $"snapshot {s.LastIncludedIndex} older than stored {Snapshot.LastIncludedIndex}";
            }

            Snapshot = s;
            Log.RemoveAll(e => e.Index <= s.LastIncludedIndex);
        }

        if (ready.TruncateFrom is { } t)
        {
            Log.RemoveAll(e => e.Index >= t);
        }

        if (ready.Entries.Count > 0)
        {
            var expected = LastIndex + 1;
            if (ready.Entries[0].Index != expected)
            {
                return $"entries start at {ready.Entries[0].Index}, stable log expects {expected}";
            }

            Log.AddRange(ready.Entries);
        }

        if (ready.HardState is { } hs)
        {
            if (hs.CurrentTerm < HardState.CurrentTerm)
            {
                return $"persisted term going back from {HardState.CurrentTerm} to {hs.CurrentTerm}";
            }

            if (hs.CurrentTerm == HardState.CurrentTerm && HardState.VotedFor is not null && hs.VotedFor != HardState.VotedFor)
            {
                return $"second vote in term {hs.CurrentTerm}: {HardState.VotedFor} then {hs.VotedFor}";
            }

            HardState = hs;
        }

        return null;
    }
}
