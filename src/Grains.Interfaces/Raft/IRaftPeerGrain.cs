using Orleans.Concurrency;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Interfaces.Raft;

/// <summary>
/// One Raft peer; key <c>group/peer</c>. Peers exchange Raft messages with one-way calls, so no peer ever
/// waits on another (two peers sending to each other at once cannot deadlock), and a slow or dead peer
/// costs its senders nothing.
/// </summary>
[Alias("raft.IRaftPeerGrain")]
public interface IRaftPeerGrain : IGrainWithStringKey
{
    /// <summary>Makes this peer a member of <paramref name="config"/>; idempotent.</summary>
    /// <exception cref="GroupConfigMismatchException">The peer already belongs to a different group.</exception>
    [Alias("Initialize")]
    Task InitializeAsync(RaftGroupConfig config);

    /// <summary>
    /// Makes this peer, which is not one of <paramref name="config"/>'s founders, a peer of that running group: it
    /// starts outside the configuration, silent, until the leader adds it (<see cref="ChangeMembershipAsync"/>). Idempotent.
    /// </summary>
    /// <exception cref="GroupConfigMismatchException">The peer already belongs to a different group.</exception>
    [Alias("Join")]
    Task JoinAsync(RaftGroupConfig config);

    /// <summary>
    /// As leader, changes the group's membership and answers once the change is done: a voter added (it joins as a
    /// learner and is promoted once caught up; answered when promoted, or after <paramref name="wait"/> while it is
    /// still catching up), a learner added, a peer removed (it stops and deletes its storage), a voter replaced (through
    /// a joint configuration). A peer added is first made to join (<see cref="JoinAsync"/>). Interleaves: the peer
    /// must go on taking the messages that commit the change.
    /// </summary>
    /// <returns>The configuration in force once the change is done (or when <paramref name="wait"/> ran out).</returns>
    /// <exception cref="NotLeaderException">This peer is not the leader (with a hint).</exception>
    /// <exception cref="MembershipChangeRefusedException">The change was refused (pending change, invalid): nothing changed.</exception>
    /// <exception cref="LeadershipLostException">Leadership was lost before the change committed; its fate is unknown.</exception>
    [Alias("ChangeMembership"), AlwaysInterleave]
    Task<Membership> ChangeMembershipAsync(MembershipChange change, TimeSpan wait);

    /// <summary>
    /// Stops this peer and deletes what it stored, if <paramref name="committed"/> (a configuration its group
    /// committed) does not name it; the leader that removed it calls this. Does nothing for a member.
    /// </summary>
    /// <returns>Whether the peer is gone.</returns>
    [Alias("Retire")]
    Task<bool> RetireAsync(Membership committed);

    /// <summary>Raft messages from other peers (RequestVote, AppendEntries, InstallSnapshot and replies).</summary>
    [Alias("Deliver"), OneWay]
    Task DeliverAsync(RaftMessage[] messages);

    /// <summary>
    /// <see cref="DeliverAsync"/> as a request: its (empty) answer carries Orleans' correction of the sender's cached
    /// address of this peer, which one-way calls never get. Senders use it now and then, never wait for it.
    /// </summary>
    [Alias("DeliverConfirmed"), ResponseTimeout("00:00:05")]
    Task DeliverConfirmedAsync(RaftMessage[] messages);

    /// <summary>
    /// Start(command): on the leader, appends the command and returns its (index, term) without waiting for
    /// commit; elsewhere returns at once with the leader this peer knows of.
    /// </summary>
    /// <exception cref="UnknownGroupException">The peer belongs to no group.</exception>
    [Alias("Start")]
    Task<StartResult> StartAsync(byte[] command);

    /// <summary>
    /// Appends the command as leader and returns the state machine's result once it is committed and applied here.
    /// Interleaves with other calls: while it waits for the commit, the peer must go on taking the messages
    /// (acknowledgements) and ticks that make the commit happen.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer is not the leader (with a hint).</exception>
    /// <exception cref="LeadershipLostException">Leadership was lost before the command committed; its fate is unknown.</exception>
    [Alias("Execute"), AlwaysInterleave]
    Task<byte[]> ExecuteAsync(byte[] command);

    /// <summary>
    /// A linearizable read-only query of the state machine, without a log write: the leader confirms it still leads
    /// (a round of heartbeats) and answers once it has applied everything committed before the query. Interleaves.
    /// </summary>
    /// <exception cref="NotLeaderException">This peer is not the leader (with a hint).</exception>
    /// <exception cref="LeadershipLostException">Leadership was lost before the read was confirmed: ask again.</exception>
    [Alias("Query"), AlwaysInterleave]
    Task<byte[]> QueryAsync(byte[] query);

    /// <exception cref="UnknownGroupException">The peer belongs to no group.</exception>
    [Alias("GetState"), AlwaysInterleave]
    Task<PeerState> GetStateAsync();

    /// <summary>
    /// Moves this peer to the silo <paramref name="silo"/> (its parsable address): the activation migrates when idle
    /// and the peer restarts there from storage. Sent by its group's leader to spread the group over the silos.
    /// </summary>
    [Alias("MoveTo"), OneWay]
    Task MoveToAsync(string silo);

    /// <summary>
    /// As leader, hands leadership to <paramref name="peer"/> (a peer id of the group), or when null to the follower
    /// with the most of its log on another silo (thesis §3.10): commands are refused meanwhile, and the successor leads the next term
    /// without waiting for an election timeout. Abandoned after an election timeout.
    /// </summary>
    /// <returns>Whether a transfer is under way: false when this peer does not lead or has no such peer.</returns>
    [Alias("TransferLeadership")]
    Task<bool> TransferLeadershipAsync(string? peer = null);

    /// <summary>Drops this activation and its volatile state, as a crash does; the next call restarts the peer from storage.</summary>
    [Alias("Crash")]
    Task CrashAsync();
}
