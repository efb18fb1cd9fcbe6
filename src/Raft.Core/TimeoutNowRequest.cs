namespace RaftOrleans.Raft.Core;

/// <summary>
/// Leadership transfer (thesis §3.10): the leader tells a follower whose log matches its own to start an election at
/// once, without waiting for its election timeout.
/// </summary>
[GenerateSerializer, Immutable, Alias("raft.TimeoutNow")]
public sealed record TimeoutNowRequest(
    string From,
    string To,
    long Term) : RaftMessage(From, To, Term);
