namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>The peer cannot serve the command as leader; <see cref="LeaderHint"/> names the leader it knows of, if any.</summary>
[GenerateSerializer, Alias("raft.NotLeaderException")]
public sealed class NotLeaderException : Exception
{
    public NotLeaderException(string peerKey, string? leaderHint)
        : base(leaderHint is null ? $"Raft peer '{peerKey}' is not the leader and knows of none." : $"Raft peer '{peerKey}' is not the leader; try '{leaderHint}'.")
    {
        LeaderHint = leaderHint;
    }

    [Id(0)]
    public string? LeaderHint { get; }
}
