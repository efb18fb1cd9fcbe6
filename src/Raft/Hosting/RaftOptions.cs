using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Hosting;

/// <summary>How the silo's Raft peers run (section <see cref="SectionName"/>); ticks, elections and snapshots.</summary>
public sealed class RaftOptions
{
    public const string SectionName = "RaftOrleans:Raft";

    /// <summary>One logical tick of the Raft core: the grain timer's period.</summary>
    public TimeSpan TickPeriod { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Election timeout in ticks; the core randomizes it in [ElectionTicks, 2 x ElectionTicks).</summary>
    public int ElectionTicks { get; set; } = 10;

    /// <summary>Heartbeat interval in ticks (at most 10 per second with the defaults, as the lab asks).</summary>
    public int HeartbeatTicks { get; set; } = 2;

    public int MaxEntriesPerAppend { get; set; } = 256;

    public int MaxInflightAppends { get; set; } = 8;

    public bool PreVote { get; set; } = true;

    public bool CheckQuorum { get; set; } = true;

    /// <summary>A new leader appends a no-op of its term (§8), so earlier entries commit without waiting for a command.</summary>
    public bool LeaderNoOp { get; set; } = true;

    /// <summary>
    /// How often a peer asks its storage whether it still owns the peer, renewing its ownership lease
    /// (<see cref="OwnershipLease"/>, twice this); its saves renew it too. A newer activation finds out it was superseded
    /// at its next write or check.
    /// </summary>
    public TimeSpan OwnershipCheckPeriod { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a peer may speak (vote, acknowledge, confirm a read, send anything) after its storage last confirmed it
    /// the owner, and how long a new activation stays silent after its claim (<see cref="Storage.RaftPeerStore"/>): no
    /// two activations of a peer ever speak in the same period. Twice <see cref="OwnershipCheckPeriod"/>; at the
    /// defaults the shortest election timeout, so a fresh group's first election waits for nothing more.
    /// </summary>
    public TimeSpan OwnershipLease => 2 * OwnershipCheckPeriod;

    /// <summary>
    /// How often a group's leader checks that its peers are spread over the silos that are up, and moves one peer
    /// (never itself while another will do) when a silo holds two more than another and every peer answers
    /// (<see cref="Placement.PeerRebalancer"/>); zero: never. It bounds how long a silo keeps a majority of a group
    /// after a silo to spread it to has joined.
    /// </summary>
    public TimeSpan RebalancePeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo trusts its cached address of a peer before reading the grain directory again
    /// (<see cref="Addressing.ExpiringAddressCache"/>). Below the election timeout, so a peer that moved away from a
    /// silo that then stalled is found again before its group would need a second election.
    /// </summary>
    public TimeSpan AddressCacheTtl { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The state machine is snapshotted and the log compacted after this many applied entries; 0 never.</summary>
    public int SnapshotEveryEntries { get; set; } = 10_000;

    /// <summary>... or once the commands applied since the last snapshot reach this many bytes (the log's size, roughly); 0 never.</summary>
    public long SnapshotAfterBytes { get; set; } = 4 << 20;

    /// <summary>
    /// ... and not before the commands applied since the last snapshot reach this multiple of its size, so that
    /// snapshots of a large state are taken as rarely as the log grows by as much (<see cref="Peer.SnapshotPolicy"/>);
    /// 0: the thresholds above alone.
    /// </summary>
    public double SnapshotLogToStateRatio { get; set; } = 1.0;

    /// <summary>How often the silo logs its totals of the Raft metrics (<see cref="Diagnostics.RaftMetrics"/>) in one line; zero: never.</summary>
    public TimeSpan MetricsLogPeriod { get; set; } = TimeSpan.Zero;

    /// <summary>The core's configuration of peer <paramref name="selfId"/> of <paramref name="peerIds"/> under these options.</summary>
    public RaftConfig ToCoreConfig(string selfId, IReadOnlyList<string> peerIds) => new()
    {
        SelfId = selfId,
        PeerIds = peerIds,
        ElectionTicks = ElectionTicks,
        HeartbeatTicks = HeartbeatTicks,
        MaxEntriesPerAppend = MaxEntriesPerAppend,
        MaxInflightAppends = MaxInflightAppends,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        LeaderNoOp = LeaderNoOp,
    };
}
