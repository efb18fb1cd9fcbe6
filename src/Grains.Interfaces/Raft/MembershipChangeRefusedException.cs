using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>The leader did not take a membership change, and changed nothing; the message says why in one line.</summary>
[GenerateSerializer, Alias("raft.MembershipChangeRefusedException")]
public sealed class MembershipChangeRefusedException : Exception
{
    public MembershipChangeRefusedException(MembershipRefusal refusal, string message)
        : base(message)
    {
        Refusal = refusal;
    }

    [Id(0)]
    public MembershipRefusal Refusal { get; }
}
