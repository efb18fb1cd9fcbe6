namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>A peer was asked to join a group different from the one it belongs to; membership is fixed.</summary>
[GenerateSerializer, Alias("raft.GroupConfigMismatchException")]
public sealed class GroupConfigMismatchException : Exception
{
    public GroupConfigMismatchException(string message)
        : base(message)
    {
    }
}
