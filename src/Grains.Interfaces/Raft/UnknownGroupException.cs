namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>The peer was never made part of a group (see <see cref="IRaftPeerGrain.InitializeAsync"/>).</summary>
[GenerateSerializer, Alias("raft.UnknownGroupException")]
public sealed class UnknownGroupException : Exception
{
    public UnknownGroupException(string peerKey)
        : base($"Raft peer '{peerKey}' belongs to no group: initialize the group first.")
    {
    }
}
