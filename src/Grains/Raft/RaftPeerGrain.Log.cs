using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Raft;

internal sealed partial class RaftPeerGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Raft peer {PeerKey} started at term {Term}, last index {LastIndex}, snapshot {SnapshotIndex}")]
    private static partial void LogStarted(ILogger logger, string peerKey, long term, long lastIndex, long snapshotIndex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft peer {PeerKey} was superseded or lost its storage; it stops acting and deactivates")]
    private static partial void LogFenced(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(Level = LogLevel.Error, Message = "Raft peer {PeerKey} could not persist its state")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft peer {PeerKey} crashed on request")]
    private static partial void LogCrash(ILogger logger, string peerKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft peer {PeerKey} could not register its keep-alive reminder")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string peerKey);
}
