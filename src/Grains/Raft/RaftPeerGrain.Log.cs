using Microsoft.Extensions.Logging;

namespace RaftOrleans.Grains.Raft;

internal sealed partial class RaftPeerGrain
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Raft peer {PeerKey} crashed on request")]
    private static partial void LogCrash(ILogger logger, string peerKey);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Raft peer {PeerKey} could not register its keep-alive reminder")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string peerKey);
}
