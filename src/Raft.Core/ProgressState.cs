namespace RaftOrleans.Raft.Core;

/// <summary>How the leader replicates to one follower (etcd's tracker states).</summary>
internal enum ProgressState
{
    /// <summary>The leader does not know where the logs agree: at most one message per heartbeat interval.</summary>
    Probe,

    /// <summary>The logs agree up to Match: entries stream optimistically, at most MaxInflightAppends in flight.</summary>
    Replicate,

    /// <summary>
    /// A snapshot is on its way to the follower: nothing else is sent but heartbeats until it answers, or until an
    /// election timeout passes without the snapshot being acknowledged (then it is sent again from Probe).
    /// </summary>
    Snapshot,
}
