namespace RaftOrleans.Raft.Core;

/// <summary>Why a leader did not take a membership change.</summary>
public enum MembershipRefusal
{
    /// <summary>Taken.</summary>
    None = 0,

    /// <summary>This peer does not lead (or is handing leadership over).</summary>
    NotLeader = 1,

    /// <summary>
    /// The leader has not yet committed an entry of its own term: a change now could be lost with an uncommitted
    /// change of an earlier leader and leave two majorities that do not overlap (Ongaro, raft-dev, 2015).
    /// </summary>
    LeaderNotReady = 2,

    /// <summary>Another change is under way: uncommitted, joint, or waiting for a learner to catch up.</summary>
    ChangePending = 3,

    /// <summary>The change makes no sense for this membership (see the message).</summary>
    Invalid = 4,
}
