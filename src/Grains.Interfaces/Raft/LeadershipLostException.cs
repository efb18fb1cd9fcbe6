namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// The command was appended by a leader that lost its place before the command committed: it may or may not
/// take effect. Retry with the same client sequence number so that a service deduplicates it.
/// </summary>
[GenerateSerializer, Alias("raft.LeadershipLostException")]
public sealed class LeadershipLostException : Exception
{
    public LeadershipLostException(string message)
        : base(message)
    {
    }
}
