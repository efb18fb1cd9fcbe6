namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// A Raft peer's storage could not be written (a full disk, an I/O error, its Redis unreachable), and the call that
/// failed with it changed nothing: the command was not appended, the peer not claimed. Reads may still be served; ask
/// again once the storage is back.
/// </summary>
[GenerateSerializer, Alias("raft.RaftStorageUnavailableException")]
public sealed class RaftStorageUnavailableException : Exception
{
    public RaftStorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>For the storage's own error: the message names the peer and says that nothing was written.</summary>
    public static RaftStorageUnavailableException Of(string peer, Exception cause) =>
        new($"The Raft storage of '{peer}' is unavailable ({cause.Message.ReplaceLineEndings(" ").TrimEnd('.')}); nothing was written.");
}
