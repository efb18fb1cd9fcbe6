namespace RaftOrleans.Raft.Core;

/// <summary>The answer to <see cref="RaftNode.ProposeMembership"/>: the configuration entry appended, or why not.</summary>
/// <param name="Index">The index of the configuration entry appended (0 when refused).</param>
/// <param name="Message">Why it was refused, in one line (null when taken).</param>
public readonly record struct MembershipChangeResult(MembershipRefusal Refusal, long Index, string? Message, string? LeaderHint)
{
    public bool Accepted => Refusal == MembershipRefusal.None;
}
