using Microsoft.Extensions.Logging;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Peer;

internal sealed partial class RaftPeer
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Raft peer {PeerKey} started at term {Term}, last index {LastIndex}, snapshot {SnapshotIndex}, incarnation {Incarnation}")]
    private static partial void LogStarted(ILogger logger, string peerKey, long term, long lastIndex, long snapshotIndex, long incarnation);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Raft peer {PeerKey}: a newer activation claimed the peer; incarnation {Incarnation} stops acting")]
    private static partial void LogSuperseded(ILogger logger, string peerKey, long incarnation);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Raft peer {PeerKey} stopped: it will restart from what its storage holds")]
    private static partial void LogFailed(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Raft peer {PeerKey}: state machine {StateMachine} failed the command at index {Index}; every peer fails it alike, the group goes on")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string peerKey, string stateMachine, long index);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Raft peer {PeerKey}: state machine {StateMachine} could not take a snapshot at index {Index}; the log is kept")]
    private static partial void LogSnapshotFailed(ILogger logger, Exception exception, string peerKey, string stateMachine, long index);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Raft peer {PeerKey}: its storage did not confirm it the owner; it stays silent until it does")]
    private static partial void LogLeaseNotRenewed(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Raft peer {PeerKey}: its storage refuses to save; it retries, serves reads and refuses new commands until the storage is back")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception, string peerKey);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Raft peer {PeerKey}: its storage saves again")]
    private static partial void LogStorageBack(ILogger logger, string peerKey);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Raft peer {PeerKey}: term {Term}, {Role}, leader {Leader}")]
    private static partial void LogRoleChanged(ILogger logger, string peerKey, long term, RaftRole role, string leader);
}
