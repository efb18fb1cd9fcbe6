namespace RaftOrleans.Raft.Core;

/// <summary>
/// Leadership transfer (thesis §3.10): the leader stops taking commands, brings the target's log up to its own, and
/// tells it to campaign at once (<see cref="TimeoutNowRequest"/>); the target wins the next term before anyone's
/// election timeout. A transfer that has not completed within an election timeout is abandoned and the leader goes
/// on leading.
/// </summary>
public sealed partial class RaftNode
{
    /// <summary>Leader only: ticks since the transfer under way began.</summary>
    private int _transferElapsed;

    /// <summary>Leader only: the peer leadership is being handed to, or null. Commands are refused meanwhile.</summary>
    public string? LeadTransferee { get; private set; }

    /// <summary>
    /// Hands leadership to <paramref name="target"/>, a peer of the group. Only a leader can; a transfer to the leader
    /// itself, or to another peer while one is under way, starts nothing.
    /// </summary>
    /// <returns>Whether a transfer to <paramref name="target"/> is now under way.</returns>
    public bool TransferLeadership(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (Role != RaftRole.Leader || !_progress.TryGetValue(target, out var pr) || !Membership.IsVoter(target))
        {
            return false;
        }

        if (LeadTransferee is not null)
        {
            return LeadTransferee == target;
        }

        LeadTransferee = target;
        _transferElapsed = 0;
        if (!MaybeSendTimeoutNow(target, pr))
        {
            // Bring it up to date first; its answer sends the TimeoutNow.
            SendAppend(target, heartbeat: false);
        }

        return true;
    }

    /// <summary>Sends the TimeoutNow once the transfer's target holds the leader's whole log.</summary>
    /// <returns>Whether it was sent.</returns>
    private bool MaybeSendTimeoutNow(string peer, Progress pr)
    {
        if (LeadTransferee != peer || pr.Match != _log.LastIndex)
        {
            return false;
        }

        Send(new TimeoutNowRequest(Id, peer, CurrentTerm));
        return true;
    }

    /// <summary>A transfer not done within an election timeout (its target is slow or gone) is abandoned.</summary>
    private void TickTransfer()
    {
        if (LeadTransferee is not null && ++_transferElapsed >= _config.ElectionTicks)
        {
            LeadTransferee = null;
        }
    }
}
