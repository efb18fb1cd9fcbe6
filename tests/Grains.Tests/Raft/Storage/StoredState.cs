using System.Text;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>A peer's stored state as one comparable text, and the store contract as a plain model.</summary>
public static class StoredState
{
    public static string Describe(RaftPeerData data)
    {
        var text = new StringBuilder();
        text.Append($"incarnation {data.Incarnation}, group {data.Group?.Name ?? "-"}, term {data.HardState.CurrentTerm}, vote {data.HardState.VotedFor ?? "-"}");
        text.Append(data.Snapshot is { } s ? $", snapshot {s.LastIncludedIndex}@{s.LastIncludedTerm} [{Convert.ToHexString(s.Data)}]{(s.Membership is { } m ? $" ({m})" : string.Empty)}" : ", no snapshot");
        text.Append(", log");
        foreach (var entry in data.Entries)
        {
            text.Append($" {entry.Index}@{entry.Term}{(entry.Kind == LogEntryKind.NoOp ? "n" : string.Empty)}:{Convert.ToHexString(entry.Command)}");
        }

        return text.ToString();
    }

    /// <summary>What a store must hold after <paramref name="write"/>, in the order <see cref="RaftPeerWrite"/> states.</summary>
    public static RaftPeerData Apply(RaftPeerData before, RaftPeerWrite write)
    {
        var entries = before.Entries.ToList();
        var snapshot = before.Snapshot;
        if (write.Snapshot is { } s)
        {
            snapshot = s;
            entries.RemoveAll(e => e.Index <= s.LastIncludedIndex);
        }

        if (write.TruncateFrom is { } from)
        {
            entries.RemoveAll(e => e.Index >= from);
        }

        entries.AddRange(write.Entries);
        return before with { HardState = write.HardState ?? before.HardState, Snapshot = snapshot, Entries = entries };
    }
}
