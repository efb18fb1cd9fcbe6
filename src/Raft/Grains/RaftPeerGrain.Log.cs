using Microsoft.Extensions.Logging;

namespace RaftOrleans.Raft.Grains;

internal sealed partial class RaftPeerGrain
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Raft peer {PeerKey} crashed on request")]
    private static partial void LogCrash(ILogger logger, string peerKey);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Raft peer {PeerKey} could not register its keep-alive reminder")]
    private static partial void LogReminderFailed(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "Raft peer {PeerKey} moves to silo {Silo}")]
    private static partial void LogMoving(ILogger logger, string peerKey, string silo);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Raft group {Group}: moving peer {Peer} from silo {From} to {To} to spread the group")]
    private static partial void LogRebalancing(ILogger logger, string group, string peer, string from, string to);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Information, Message = "Raft peer {PeerKey} hands leadership to {Successor}")]
    private static partial void LogTransferring(ILogger logger, string peerKey, string successor);
}
