using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Diagnostics;

namespace RaftOrleans.Raft.Peer;

internal sealed partial class RaftPeer
{
    /// <summary>Start(command): as leader, appends it and says where; elsewhere rejects it with a hint.</summary>
    public ProposeResult Start(byte[] command)
    {
        if (IsStopped)
        {
            return new ProposeResult(false, 0, Node.CurrentTerm, null);
        }

        var result = Node.Propose(command);
        if (result.Accepted)
        {
            RaftMetrics.Proposals.Add(1, _groupTag);
        }

        Pump();
        return result;
    }

    /// <summary>
    /// As leader, hands leadership to <paramref name="peerId"/>, or when null to the follower with the most of the log,
    /// preferring those <paramref name="avoid"/> does not name (e.g. peers on a silo about to stop).
    /// </summary>
    /// <returns>Whether a transfer is under way.</returns>
    public bool TransferLeadership(string? peerId, Func<string, bool>? avoid = null)
    {
        if (IsStopped || !Node.GetState().IsLeader)
        {
            return false;
        }

        var target = peerId ?? Node.Membership.Voters
            .Where(p => p != Node.Id)
            .OrderBy(p => avoid?.Invoke(p) == true)
            .ThenByDescending(p => Node.MatchIndex(p) ?? 0)
            .ThenBy(p => Node.TicksSinceHeardFrom(p) ?? int.MaxValue)
            .FirstOrDefault();
        var underWay = target is not null && Node.TransferLeadership(target);
        Pump();
        return underWay;
    }

    /// <summary>
    /// As leader, appends a membership change (<see cref="RaftNode.ProposeMembership"/>); the rest happens on its own.
    /// <c>Applied</c> completes once the change's configuration entry is applied here (at once when refused).
    /// </summary>
    public (MembershipChangeResult Result, Task Applied) ProposeMembership(MembershipChange change)
    {
        var result = IsStopped ? new MembershipChangeResult(MembershipRefusal.NotLeader, 0, $"{Key} stopped.", null) : Node.ProposeMembership(change);

        // Waited for before the loop runs: with a store that completes at once, the entry may be applied within Pump.
        var applied = result.Accepted ? AwaitApplied(result.Index, Node.CurrentTerm).Task : Task.CompletedTask;
        Pump();
        return (result, applied);
    }

    /// <summary>
    /// As leader, carries a membership change through: waits (up to <paramref name="wait"/>) for its first entry of the
    /// term to commit, before which it may append no configuration; appends the change; and completes once the change
    /// is done (a voter added is promoted, a replaced one has left, anything else committed) or
    /// <paramref name="wait"/> ran out, with the configuration in force then.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer is not the leader.</exception>
    /// <exception cref="MembershipChangeRefusedException">The change was refused; nothing was appended.</exception>
    /// <exception cref="LeadershipLostException">Leadership was lost before the change committed; its fate is unknown.</exception>
    public async Task<Membership> ChangeMembershipAsync(MembershipChange change, TimeSpan wait)
    {
        await WhenAsync(() => Node.CommittedInTerm || !Node.GetState().IsLeader, wait);
        var (result, applied) = ProposeMembership(change);
        if (result.Refusal == MembershipRefusal.NotLeader)
        {
            throw new NotLeaderException(Key, result.LeaderHint);
        }

        if (!result.Accepted)
        {
            throw new MembershipChangeRefusedException(result.Refusal, result.Message ?? result.Refusal.ToString());
        }

        await applied;
        Func<bool> done = change.Kind switch
        {
            MembershipChangeKind.AddVoter => () => Node.Membership.Voters.Contains(change.Peer) && MembershipCommitted,
            MembershipChangeKind.Replace => () => HasLeft(change.Peer),
            _ => () => MembershipCommitted,
        };
        await WhenAsync(done, wait);
        return Node.Membership;
    }

    /// <summary>Whether this peer knows that a configuration without <paramref name="peer"/> committed.</summary>
    public bool HasLeft(string peer) => MembershipCommitted && !Node.Membership.IsMember(peer);

    /// <summary>Whether this peer knows that the configuration in force here committed.</summary>
    public bool MembershipCommitted => Node.MembershipIndex <= Node.CommitIndex;

    /// <summary>Completes with true once <paramref name="done"/> holds after something was applied or changed here, with false after <paramref name="wait"/>.</summary>
    public async Task<bool> WhenAsync(Func<bool> done, TimeSpan wait)
    {
        if (done())
        {
            return true;
        }

        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _conditions.Add((done, reached));
        using var timeout = new CancellationTokenSource(wait, _time);
        await using (timeout.Token.Register(() => reached.TrySetCanceled()))
        {
            try
            {
                await reached.Task;
                return true;
            }
            catch (OperationCanceledException)
            {
                _conditions.RemoveAll(c => c.Completion == reached);
                return false;
            }
        }
    }

    /// <summary>Appends the command as leader and completes with the state machine's result once it is applied here.</summary>
    /// <exception cref="NotLeaderException">This peer is not the leader (thrown at once).</exception>
    /// <exception cref="RaftStorageUnavailableException">The leader's storage, or a majority's, refuses saves: the command was not appended.</exception>
    public Task<byte[]> ExecuteAsync(byte[] command)
    {
        if (!IsStopped && StorageFailure is { } failure && Node.Role == RaftRole.Leader)
        {
            throw new RaftStorageUnavailableException(failure.Message);
        }

        if (!IsStopped && Node.MajorityCannotPersist)
        {
            throw new RaftStorageUnavailableException($"Raft group '{Group.Name}': the storage of a majority of its peers refuses writes (a full disk?); nothing was written.");
        }

        var result = IsStopped ? default : Node.Propose(command);
        if (!result.Accepted)
        {
            throw new NotLeaderException(Key, IsStopped ? null : result.LeaderHint);
        }

        RaftMetrics.Proposals.Add(1, _groupTag);
        var waiter = AwaitApplied(result.Index, result.Term);
        Pump();
        return waiter.Task;
    }

    /// <summary>A completion for the entry just appended at <paramref name="index"/>: the entry's result once applied here.</summary>
    private TaskCompletionSource<byte[]> AwaitApplied(long index, long term)
    {
        // A leader reuses an index only after its own earlier entry there was cut away (it lost leadership and
        // took a newer leader's log): that command can no longer commit.
        if (_waiters.Remove(index, out var replaced))
        {
            replaced.Completion.TrySetException(new LeadershipLostException(
                $"Raft peer '{Key}': the entry at index {index} of term {replaced.Term} was replaced by one of term {term}."));
        }

        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[index] = (term, waiter, _time.GetTimestamp());
        return waiter;
    }

    /// <summary>
    /// A linearizable read (ReadIndex): as leader, confirms its leadership with a round of heartbeats, waits until
    /// it has applied everything committed before the query arrived, then asks the state machine. Writes nothing.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer is not the leader (thrown at once).</exception>
    public Task<byte[]> QueryAsync(byte[] query)
    {
        var id = ++_readIds;
        var result = IsStopped ? default : Node.RequestRead(id);
        if (!result.Accepted)
        {
            throw new NotLeaderException(Key, IsStopped ? null : result.LeaderHint);
        }

        var waiter = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _reads[id] = (query, waiter);
        ServeDuringSave();
        Pump();
        return waiter.Task;
    }

    /// <summary>Answers the reads the core confirmed once their index is applied; fails those it could not confirm.</summary>
    private void ServeReads(IReadOnlyList<ReadState> confirmed)
    {
        foreach (var read in confirmed)
        {
            if (read.Succeeded)
            {
                _readsToServe.Enqueue(read.RequestId, read.Index);
            }
            else if (_reads.Remove(read.RequestId, out var failed))
            {
                failed.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}' stopped being the leader before it could confirm a read; ask the leader again."));
            }
        }

        while (_readsToServe.TryPeek(out var id, out var index) && index <= _appliedIndex)
        {
            _readsToServe.Dequeue();
            if (!_reads.Remove(id, out var read))
            {
                continue;
            }

            try
            {
                read.Completion.TrySetResult(_stateMachine.Query(read.Query));
                RaftMetrics.Reads.Add(1, _groupTag);
            }
            catch (Exception exception)
            {
                read.Completion.TrySetException(new RaftCommandFailedException(Key, index, exception.Message));
            }
        }
    }

    private void FailReads(string why)
    {
        foreach (var (_, read) in _reads)
        {
            read.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}': a read {why}; ask again."));
        }

        _reads.Clear();
        _readsToServe.Clear();
    }

    private void FailWaitersUpTo(long index, string why)
    {
        foreach (var waiting in _waiters.Keys.Where(i => i <= index).ToList())
        {
            _waiters.Remove(waiting, out var waiter);
            waiter.Completion.TrySetException(new LeadershipLostException($"Raft peer '{Key}': the command at index {waiting} {why}; its fate is unknown."));
        }
    }
}
