namespace RaftOrleans.Raft.Core;

/// <summary>What a log entry carries.</summary>
public enum LogEntryKind
{
    /// <summary>An application command, to be applied.</summary>
    Command = 0,

    /// <summary>An empty entry appended by a new leader (§8); the application skips it.</summary>
    NoOp = 1,

    /// <summary>A new <see cref="Membership"/> (its <see cref="MembershipCodec"/> bytes), in force once appended; the application skips it.</summary>
    Configuration = 2,
}
