namespace RaftOrleans.Raft.Core;

/// <summary>AppendEntries arguments (Figure 2). With no entries it is a heartbeat.</summary>
/// <param name="ReadRound">The leader's latest read round (ReadIndex, thesis §6.4); the answer echoes it.</param>
[GenerateSerializer, Immutable, Alias("raft.AppendEntries")]
public sealed record AppendEntriesRequest(
    string From,
    string To,
    long Term,
    long PrevLogIndex,
    long PrevLogTerm,
    LogEntry[] Entries,
    long LeaderCommit,
    long ReadRound = 0) : RaftMessage(From, To, Term)
{
    [Id(0)]
    public readonly long PrevLogIndex = PrevLogIndex;

    [Id(1)]
    public readonly long PrevLogTerm = PrevLogTerm;

    [Id(2)]
    public readonly LogEntry[] Entries = Entries;

    [Id(3)]
    public readonly long LeaderCommit = LeaderCommit;

    [Id(4)]
    public readonly long ReadRound = ReadRound;

    /// <inheritdoc />
    public override long SizeEstimate => base.SizeEstimate + 32 + Entries.Sum(e => e.SizeEstimate);
}
