using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Tests.Raft;

public sealed record SentMessage(string From, string To, RaftMessage Message);
