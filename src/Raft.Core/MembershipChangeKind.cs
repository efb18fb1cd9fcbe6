namespace RaftOrleans.Raft.Core;

/// <summary>What a <see cref="MembershipChange"/> asks for.</summary>
public enum MembershipChangeKind
{
    /// <summary>A new voter: it joins as a learner and is promoted once caught up.</summary>
    AddVoter = 0,

    /// <summary>A learner that stays one: it receives the log and counts for nothing.</summary>
    AddLearner = 1,

    /// <summary>A voter or a learner leaves.</summary>
    Remove = 2,

    /// <summary>A voter gives its place to another in one step (joint consensus) once the newcomer has caught up.</summary>
    Replace = 3,
}
