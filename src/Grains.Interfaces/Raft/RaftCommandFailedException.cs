namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// The command committed, and the group's state machine threw when it applied it. State machines are
/// deterministic, so every peer failed it the same way and none changed state: the group goes on with the next entry.
/// </summary>
[GenerateSerializer, Alias("raft.RaftCommandFailedException")]
public sealed class RaftCommandFailedException : Exception
{
    public RaftCommandFailedException(string peerKey, long index, string reason)
        : base($"Raft peer '{peerKey}': the state machine failed the command at index {index}: {reason}")
    {
        Index = index;
    }

    [Id(0)]
    public long Index { get; }
}
