namespace RaftOrleans.Raft.Core;

/// <summary>
/// Membership changes (thesis ch. 4; Ongaro's 2015 raft-dev correction). Rules, each in one place:
/// <list type="number">
/// <item>A configuration is an entry of the log, in force on a peer as soon as it is in its log (§4.1); truncation
/// restores the previous one (<see cref="MembershipLog"/>). The snapshot carries the configuration at its index.</item>
/// <item>A leader appends a configuration only once it has committed an entry of its own term, and only when the
/// previous configuration entry is committed: at most one is ever uncommitted (<see cref="ChangeBlocked"/>).</item>
/// <item>A change of one voter goes straight to the new voters; a change of more (a replace) goes through the joint
/// configuration C_old,new (§4.3), left automatically once it commits.</item>
/// <item>A voter being added is a learner first, promoted once caught up: a round of replication (to the leader's
/// last index when the round began) that ends within an election timeout (§4.2.1). Slower rounds start again.</item>
/// <item>A leader that is no longer a voter, once that is committed, hands leadership to the voter with the most of
/// its log (§3.10) and takes no command meanwhile; a peer that is not a voter never campaigns.</item>
/// </list>
/// </summary>
public sealed partial class RaftNode
{
    private MembershipLog _memberships = null!;

    /// <summary>The configuration in force here: the latest in this peer's log (§4.1).</summary>
    public Membership Membership => _memberships.Current;

    /// <summary>The index of the entry <see cref="Membership"/> came from (0: from the snapshot or the initial one).</summary>
    public long MembershipIndex => _memberships.CurrentIndex;

    /// <summary>
    /// Proposes a membership change. On the leader, when no other change is under way and it has committed an entry
    /// of its term, appends the configuration entry that starts the change; the rest (promotion once caught up,
    /// leaving a joint configuration, a removed leader's hand-over) the leader carries out on its own.
    /// </summary>
    public MembershipChangeResult ProposeMembership(MembershipChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Role != RaftRole.Leader || LeadTransferee is not null)
        {
            return new MembershipChangeResult(MembershipRefusal.NotLeader, 0, $"{Id} does not lead.", LeadTransferee ?? LeaderId);
        }

        var current = Membership;

        // Taking back a voter still catching up cancels its promotion: the one change allowed while another waits.
        var cancels = change.Kind == MembershipChangeKind.Remove && current.Joining.Contains(change.Peer);
        if (ChangeBlocked(cancels) is { } blocked)
        {
            return blocked;
        }

        if (cancels)
        {
            return AppendConfiguration(new Membership(current.Voters, [], current.Learners.Where(p => p != change.Peer)));
        }

        var (next, problem) = Next(current, change);
        return next is null
            ? new MembershipChangeResult(MembershipRefusal.Invalid, 0, problem, Id)
            : AppendConfiguration(next);
    }

    /// <summary>The configuration <paramref name="change"/> makes of <paramref name="m"/>, or why it cannot.</summary>
    private static (Membership? Next, string? Problem) Next(Membership m, MembershipChange change)
    {
        var peer = change.Peer;
        return change.Kind switch
        {
            MembershipChangeKind.AddVoter when m.IsVoter(peer) => (null, $"{peer} is a voter already."),
            MembershipChangeKind.AddVoter => (new Membership(m.Voters, [], m.Learners.Append(peer), m.Voters.Append(peer)), null),
            MembershipChangeKind.AddLearner when m.IsMember(peer) => (null, $"{peer} is a member already."),
            MembershipChangeKind.AddLearner => (new Membership(m.Voters, [], m.Learners.Append(peer)), null),
            MembershipChangeKind.Remove when m.IsLearner(peer) => (new Membership(m.Voters, [], m.Learners.Where(p => p != peer)), null),
            MembershipChangeKind.Remove when !m.IsVoter(peer) => (null, $"{peer} is not a member."),
            MembershipChangeKind.Remove when m.Voters.Length == 1 => (null, $"{peer} is the last voter."),
            // Legal, but the change needs both voters to commit and leaves a group that any one fault stops.
            MembershipChangeKind.Remove when m.Voters.Length == 2 => (null, $"removing {peer} would leave one voter; add a voter first."),
            MembershipChangeKind.Remove => (new Membership(m.Voters.Where(p => p != peer), [], m.Learners), null),
            MembershipChangeKind.Replace when !m.IsVoter(peer) => (null, $"{peer} is not a voter."),
            MembershipChangeKind.Replace when change.Replacement is null || m.IsVoter(change.Replacement) => (null, $"the replacement of {peer} must be a new peer or a learner, not {change.Replacement ?? "none"}."),
            MembershipChangeKind.Replace => (new Membership(m.Voters, [], m.Learners.Append(change.Replacement), m.Voters.Where(p => p != peer).Append(change.Replacement)), null),
            _ => (null, $"unknown change {change.Kind}."),
        };
    }

    /// <summary>Why no configuration may be appended now, or null (rule 2).</summary>
    private MembershipChangeResult? ChangeBlocked(bool cancelsPromotion)
    {
        if (!CommittedInTerm)
        {
            return new MembershipChangeResult(MembershipRefusal.LeaderNotReady, 0, $"{Id} has not committed an entry of term {CurrentTerm} yet; ask again.", Id);
        }

        if (UncommittedConfiguration || Membership.IsJoint || (Membership.Target is not null && !cancelsPromotion))
        {
            return new MembershipChangeResult(MembershipRefusal.ChangePending, 0, $"a change is under way ({Membership}).", Id);
        }

        return null;
    }

    private bool UncommittedConfiguration => MembershipIndex > CommitIndex;

    /// <summary>Whom a campaign asks: every other voter, of both halves when joint.</summary>
    private IEnumerable<string> OtherVoters => Membership.AllVoters.Where(p => p != Id);

    private MembershipChangeResult AppendConfiguration(Membership next)
    {
        var entry = new LogEntry(_log.LastIndex + 1, CurrentTerm, MembershipCodec.Encode(next), LogEntryKind.Configuration);
        AppendAsLeader(entry);
        return new MembershipChangeResult(MembershipRefusal.None, entry.Index, null, Id);
    }

    /// <summary>Appends to the log, taking a configuration entry into force at once (rule 1).</summary>
    private void AppendToLog(LogEntry entry)
    {
        _log.Append(entry);
        if (entry.Kind == LogEntryKind.Configuration)
        {
            _memberships.Appended(entry.Index, MembershipCodec.Decode(entry.Command));
            MembershipChanged();
        }
    }

    /// <summary>The set of peers this one talks to follows the configuration; a leader tracks each member's progress.</summary>
    private void MembershipChanged()
    {
        var membership = Membership;
        _others = [.. membership.Members.Where(p => p != Id)];
        if (Role != RaftRole.Leader)
        {
            return;
        }

        foreach (var gone in _progress.Keys.Where(p => !membership.IsMember(p)).ToList())
        {
            _progress.Remove(gone);
        }

        foreach (var peer in _others.Where(p => !_progress.ContainsKey(p)))
        {
            _progress[peer] = NewProgress();
        }

        if (LeadTransferee is { } target && !membership.IsVoter(target))
        {
            LeadTransferee = null;
        }
    }

    private Progress NewProgress() => new() { Next = _log.LastIndex + 1, Match = 0, RecentActive = true, RoundEnd = _log.LastIndex };

    /// <summary>
    /// Leader: a joining learner answered. A round ends when it holds what the leader held as the round began; one
    /// that ended within an election timeout makes it caught up, a slower one starts the next round (rule 4).
    /// </summary>
    private void TrackCatchUp(string peer, Progress pr)
    {
        if (pr.CaughtUp || pr.Match < pr.RoundEnd || !Membership.Joining.Contains(peer))
        {
            return;
        }

        if (pr.RoundTicks < _config.ElectionTicks)
        {
            pr.CaughtUp = true;
            AdvanceMembership();
        }
        else
        {
            pr.RoundEnd = _log.LastIndex;
            pr.RoundTicks = 0;
        }
    }

    /// <summary>
    /// Leader: carries a change on once its last step committed: leaves a joint configuration (rule 3), promotes
    /// learners that caught up (rule 4), or hands leadership over when it is no longer a voter (rule 5).
    /// </summary>
    private void AdvanceMembership()
    {
        if (Role != RaftRole.Leader || LeadTransferee is not null || UncommittedConfiguration || !CommittedInTerm)
        {
            return;
        }

        var m = Membership;
        if (!m.IsVoter(Id))
        {
            var successor = m.Voters
                .Where(p => _progress.TryGetValue(p, out var pr) && pr.TicksSinceResponse < _config.ElectionTicks)
                .OrderByDescending(p => _progress[p].Match)
                .FirstOrDefault();
            if (successor is not null)
            {
                TransferLeadership(successor);
            }
        }
        else if (m.IsJoint)
        {
            AppendConfiguration(new Membership(m.Voters, [], m.Learners));
        }
        else if (m.Target is { } target && m.Joining.All(p => _progress.TryGetValue(p, out var pr) && pr.CaughtUp && pr.TicksSinceResponse < _config.ElectionTicks))
        {
            var changed = m.Voters.Except(target).Count() + target.Except(m.Voters).Count();
            var learners = m.Learners.Except(target);
            AppendConfiguration(changed <= 1 ? new Membership(target, [], learners) : new Membership(target, m.Voters, learners));
        }
    }
}
