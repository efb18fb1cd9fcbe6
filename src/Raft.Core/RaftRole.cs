namespace RaftOrleans.Raft.Core;

/// <summary>The role of a peer (§5.1, plus the pre-candidate of thesis §9.6).</summary>
public enum RaftRole
{
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}
