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

    [LoggerMessage(EventId = 2106, Level = LogLevel.Information, Message = "Raft peer {PeerKey} changes its group's membership: {Kind} {Peer} {Replacement}")]
    private static partial void LogMembershipChange(ILogger logger, string peerKey, RaftOrleans.Raft.Core.MembershipChangeKind kind, string peer, string replacement);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Information, Message = "Raft peer {PeerKey} left its group ({Membership}): it stops and deletes its storage")]
    private static partial void LogRetiring(ILogger logger, string peerKey, string membership);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "Raft peer {PeerKey} was removed from its group but could not be told to delete its storage")]
    private static partial void LogRetireFailed(ILogger logger, Exception exception, string peerKey);
}
