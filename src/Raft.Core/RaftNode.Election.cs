namespace RaftOrleans.Raft.Core;

/// <summary>Leader election (§5.2, §5.4.1) with pre-vote (thesis §9.6) and check-quorum (thesis §6.2).</summary>
public sealed partial class RaftNode
{
    /// <summary>
    /// Steps down (or stays) a follower in <paramref name="term"/>; a new term clears the vote (§5.1).
    /// <paramref name="resetTimer"/> is false when a higher term merely shows up (Figure 2 resets the election timer
    /// only on hearing from the leader, granting a vote or starting an election): otherwise a peer with a stale log
    /// that keeps campaigning would keep postponing everyone else's election.
    /// </summary>
    private void BecomeFollower(long term, string? leader, bool resetTimer = true)
    {
        if (Role == RaftRole.Leader)
        {
            FailPendingReads();
        }

        if (term != CurrentTerm)
        {
            CurrentTerm = term;
            VotedFor = null;
        }

        Role = RaftRole.Follower;
        LeaderId = leader;
        LeadTransferee = null;
        _progress.Clear();
        _votes.Clear();
        _replicationPending = false;
        if (resetTimer)
        {
            ResetElectionTimer();
        }
    }

    /// <summary>Thesis §9.6: ask whether we could win in CurrentTerm + 1 without disturbing anyone's term.</summary>
    private void BecomePreCandidate()
    {
        Role = RaftRole.PreCandidate;
        LeaderId = null;
        _progress.Clear();
        _votes.Clear();
        ResetElectionTimer();
        _votes[Id] = true;
        foreach (var peer in OtherVoters)
        {
            Send(new RequestVoteRequest(Id, peer, CurrentTerm + 1, _log.LastIndex, _log.LastTerm, PreVote: true));
        }

        PollVotes();
    }

    /// <summary>§5.2: increment currentTerm, vote for self, reset the election timer, send RequestVote to all others.</summary>
    /// <param name="transfer">The leader handed leadership to this peer: the requests say so (see <see cref="RequestVoteRequest.Transfer"/>).</param>
    private void BecomeCandidate(bool transfer = false)
    {
        CurrentTerm++;
        VotedFor = Id;
        Role = RaftRole.Candidate;
        LeaderId = null;
        _progress.Clear();
        _votes.Clear();
        ResetElectionTimer();
        _votes[Id] = true;
        foreach (var peer in OtherVoters)
        {
            // The request reveals the new term and our self-vote: it leaves only once both are durable.
            SendAfterPersist(new RequestVoteRequest(Id, peer, CurrentTerm, _log.LastIndex, _log.LastTerm, PreVote: false, transfer));
        }

        PollVotes();
    }

    /// <summary>§5.3: a new leader sets nextIndex to its last index + 1 for everyone and asserts itself at once.</summary>
    private void BecomeLeader()
    {
        Role = RaftRole.Leader;
        LeaderId = Id;
        LeadTransferee = null;
        _votes.Clear();
        ResetElectionTimer();
        _progress.Clear();
        foreach (var peer in _others)
        {
            _progress[peer] = NewProgress();
        }

        if (_config.LeaderNoOp)
        {
            // §8: a no-op of the new term lets entries of earlier terms commit under the Figure 8 rule.
            AppendAsLeader(new LogEntry(_log.LastIndex + 1, CurrentTerm, [], LogEntryKind.NoOp));
        }

        MaybeCommit();
        BroadcastHeartbeat();
    }

    private void Campaign()
    {
        if (_config.PreVote)
        {
            BecomePreCandidate();
        }
        else
        {
            BecomeCandidate();
        }
    }

    /// <summary>Counts the (pre-)votes of the current campaign: a majority wins, a majority of refusals loses.</summary>
    private void PollVotes()
    {
        if (Membership.HasQuorum(p => _votes.TryGetValue(p, out var granted) && granted))
        {
            if (Role == RaftRole.PreCandidate)
            {
                BecomeCandidate();
            }
            else
            {
                BecomeLeader();
            }
        }
        else if (Membership.QuorumImpossible(p => _votes.TryGetValue(p, out var granted) && !granted))
        {
            BecomeFollower(CurrentTerm, null);
        }
    }

    /// <summary>
    /// RequestVote receiver (Figure 2): grant if we have not voted for someone else in this term (§5.2, at most one
    /// vote per term) and the candidate's log is at least as up-to-date as ours (§5.4.1). A pre-vote for a future
    /// term is granted on the log check alone and changes nothing.
    /// </summary>
    private void HandleVoteRequest(RequestVoteRequest m)
    {
        var canVote = VotedFor == m.From
            || (VotedFor is null && LeaderId is null)
            || (m.PreVote && m.Term > CurrentTerm);
        if (canVote && _log.IsUpToDate(m.LastLogIndex, m.LastLogTerm))
        {
            if (!m.PreVote)
            {
                VotedFor = m.From;
                _electionElapsed = 0;
            }

            SendAfterPersist(new RequestVoteResponse(Id, m.From, m.Term, true, m.PreVote));
        }
        else
        {
            SendAfterPersist(new RequestVoteResponse(Id, m.From, CurrentTerm, false, m.PreVote));
        }
    }

    /// <summary>Followers and candidates: start a (pre-)campaign when the randomized election timeout elapses (§5.2).</summary>
    private void TickElection()
    {
        _electionElapsed++;

        // Only voters campaign: a learner, a peer still joining and a removed one wait to be told.
        if (_electionElapsed >= _randomizedElectionTimeout && Membership.IsVoter(Id))
        {
            Campaign();
        }
    }

    /// <summary>Leader: heartbeats every HeartbeatTicks (§5.2); check-quorum every ElectionTicks (thesis §6.2).</summary>
    private void TickLeader()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        TickTransfer();
        foreach (var pr in _progress.Values)
        {
            pr.TicksSinceResponse++;
            pr.RoundTicks++;
            if (pr.State == ProgressState.Replicate && pr.Inflight.Count > 0 && pr.TicksSinceResponse >= _config.ElectionTicks)
            {
                // No answer for a whole election timeout: stop streaming to a follower that may be dead.
                pr.BecomeProbe();
            }
            else if (pr.State == ProgressState.Snapshot && ++pr.SnapshotTicks >= _config.ElectionTicks)
            {
                // The snapshot or its answer may be lost: from Probe, the next heartbeat sends it again.
                pr.BecomeProbe();
            }
        }

        if (_electionElapsed >= _config.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_config.CheckQuorum)
            {
                var active = Membership.HasQuorum(p => p == Id || (_progress.TryGetValue(p, out var pr) && pr.RecentActive));
                foreach (var pr in _progress.Values)
                {
                    pr.RecentActive = false;
                }

                if (!active)
                {
                    BecomeFollower(CurrentTerm, null);
                    return;
                }
            }
        }

        if (_heartbeatElapsed >= _config.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            BroadcastHeartbeat();
        }

        // A hand-over abandoned, or a learner gone quiet and back: the next step of a change may be due again.
        AdvanceMembership();
    }
}
