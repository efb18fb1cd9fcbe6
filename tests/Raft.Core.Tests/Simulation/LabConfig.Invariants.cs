using System.Text;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// Invariants of Figure 3, checked after every simulated step:
/// election safety, log matching, leader completeness and state-machine safety.
/// </summary>
public sealed partial class LabConfig
{
    /// <summary>term to the server that led it (election safety).</summary>
    private readonly Dictionary<long, int> _leaderOfTerm = [];

    /// <summary>(index, term) to (value, term of the previous entry): log matching, checked inductively.</summary>
    private readonly Dictionary<(long Index, long Term), (string Value, long PrevTerm)> _entryRegistry = [];

    /// <summary>index to committed value, its entry term (if known) and an upper bound of the term it was committed in.</summary>
    private readonly Dictionary<long, (string Value, long? Term, long CommitTermBound)> _committed = [];

    private long _maxLeaderTerm;

    /// <summary>(voter, term) to the candidate that voter's granted vote went to, as seen on the wire.</summary>
    private readonly Dictionary<(string Voter, long Term), string> _votesSent = [];

    /// <summary>The value committed at <paramref name="index"/> as first observed by any applier, or null.</summary>
    public string? CommittedValue(long index) => _committed.TryGetValue(index, out var c) ? c.Value : null;

    /// <summary>Number of distinct terms that had a leader.</summary>
    public int LeaderTerms => _leaderOfTerm.Count;

    /// <summary>Number of invariant checks run (to show they ran).</summary>
    public long InvariantChecks { get; private set; }

    private void RecordCommitted(long index, string value, long? term)
    {
        if (!_committed.ContainsKey(index))
        {
            _committed[index] = (value, term, _maxLeaderTerm);
        }
        else if (term is not null && _committed[index].Term is null)
        {
            _committed[index] = _committed[index] with { Term = term };
        }
    }

    /// <summary>
    /// Log matching (§5.3): if two logs hold an entry with the same index and term, the logs are identical up to it.
    /// Checked by induction: an (index, term) pair always carries the same value and the same previous term.
    /// </summary>
    private void CheckNewEntries(int i, RaftNode node, Ready ready)
    {
        for (var k = 0; k < ready.Entries.Count; k++)
        {
            var e = ready.Entries[k];
            var prevTerm = k > 0 ? ready.Entries[k - 1].Term : node.TermAt(e.Index - 1) ?? -1;
            var value = e.Kind != LogEntryKind.Command ? NoOpValue : Encoding.UTF8.GetString(e.Command);
            if (_entryRegistry.TryGetValue((e.Index, e.Term), out var known))
            {
                if (known.Value != value || (known.PrevTerm != prevTerm && prevTerm != -1 && known.PrevTerm != -1))
                {
                    throw Fail($"log matching violated on server {i} at index {e.Index} term {e.Term}: " +
                        $"({Short(value)}, prev term {prevTerm}) vs ({Short(known.Value)}, prev term {known.PrevTerm})");
                }
            }
            else
            {
                _entryRegistry[(e.Index, e.Term)] = (value, prevTerm);
            }
        }
    }

    /// <summary>
    /// §5.2 "each server will vote for at most one candidate in a given term", observed on the wire: across crashes
    /// and restarts, no server grants its vote in one term to two candidates.
    /// </summary>
    private void CheckOutgoing(RaftMessage m)
    {
        if (m is RequestVoteResponse { VoteGranted: true, PreVote: false } vote)
        {
            if (_votesSent.TryGetValue((vote.From, vote.Term), out var earlier) && earlier != vote.To)
            {
                throw Fail($"{vote.From} granted its vote in term {vote.Term} to both {earlier} and {vote.To}");
            }

            _votesSent[(vote.From, vote.Term)] = vote.To;
        }
    }

    private void CheckNodeInvariants(int i, RaftNode node)
    {
        InvariantChecks++;
        var state = node.GetState();
        var server = Servers[i];

        // The Ready contract: what the host persisted matches the core's log end and hard state.
        if (Persisted(server) is var (hard, lastIndex))
        {
            if (hard.CurrentTerm != node.CurrentTerm || hard.VotedFor != node.VotedFor)
            {
                throw Fail($"server {i} persisted ({hard.CurrentTerm}, {hard.VotedFor}) != core ({node.CurrentTerm}, {node.VotedFor})");
            }

            if (lastIndex != node.LastIndex)
            {
                throw Fail($"server {i} persisted log ends at {lastIndex}, core log at {node.LastIndex}");
            }
        }

        if (!state.IsLeader)
        {
            server.LastSeen = (state.Term, false);
            return;
        }

        if (server.LastSeen == (state.Term, true))
        {
            return;
        }

        server.LastSeen = (state.Term, true);

        // Election safety (§5.2): at most one leader per term.
        if (_leaderOfTerm.TryGetValue(state.Term, out var other) && other != i)
        {
            throw Fail($"term {state.Term} has two leaders: {other} and {i}");
        }

        _leaderOfTerm[state.Term] = i;
        _maxLeaderTerm = Math.Max(_maxLeaderTerm, state.Term);

        // Leader completeness (§5.4): every entry committed in an earlier term is in the new leader's log.
        foreach (var (index, c) in _committed)
        {
            if (c.CommitTermBound >= state.Term || index <= node.LastIncludedIndex)
            {
                continue;
            }

            var term = node.TermAt(index);
            if (term is null || (c.Term is { } t && term != t))
            {
                throw Fail($"leader completeness violated: leader {i} of term {state.Term} lacks committed index {index} " +
                    $"(term {c.Term}, has {term?.ToString() ?? "none"})");
            }
        }
    }
}
