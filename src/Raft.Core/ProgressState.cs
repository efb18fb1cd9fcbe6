namespace RaftOrleans.Raft.Core;

/// <summary>How the leader replicates to one follower (etcd's tracker states, Snapshot folded into Probe).</summary>
internal enum ProgressState
{
    /// <summary>The leader does not know where the logs agree: at most one message per heartbeat interval.</summary>
    Probe,

    /// <summary>The logs agree up to Match: entries stream optimistically, at most MaxInflightAppends in flight.</summary>
    Replicate,
}
