using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>Which optional features the simulated peers run with.</summary>
public sealed record LabOptions
{
    public bool PreVote { get; init; } = true;

    public bool CheckQuorum { get; init; } = true;

    /// <summary>Off for the lab scenarios: they expect the first command at index 1 (§1 of the catalogue).</summary>
    public bool LeaderNoOp { get; init; }

    public int MaxInflightAppends { get; init; } = 4;

    public int MaxEntriesPerAppend { get; init; } = 64;

    public LabHost Host { get; init; } = LabHost.Core;

    /// <summary>How many of the servers found the group (the rest join by membership changes); null: all of them.</summary>
    public int? Founders { get; init; }

    /// <summary>
    /// <see cref="LabHost.Peer"/> only: the chance that a save crashes its server, half the time before the write
    /// lands and half right after it (before the peer hears back); the server restarts 5–50 ms later.
    /// </summary>
    public double CrashPerSave { get; init; }

    /// <summary>
    /// A broken store, to show the harness catches one: a save that crashes before it lands leaves a torn write
    /// behind (the hard state and the new entries, without the truncation or snapshot that came with them).
    /// </summary>
    public bool TornWrites { get; init; }

    public static LabOptions Lab { get; } = new();

    /// <summary>The peers' options under the lab's timing; with snapshots, the production peer compacts every 10 entries whatever its state's size, as the lab's applier does.</summary>
    public RaftOptions ToRaftOptions(bool snapshots) => new()
    {
        ElectionTicks = LabTiming.ElectionTicks,
        HeartbeatTicks = LabTiming.HeartbeatTicks,
        MaxEntriesPerAppend = MaxEntriesPerAppend,
        MaxInflightAppends = MaxInflightAppends,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        LeaderNoOp = LeaderNoOp,
        SnapshotEveryEntries = snapshots ? 10 : 0,
        SnapshotAfterBytes = 0,
        SnapshotLogToStateRatio = 0,
    };

    /// <summary>The lab's options on the production peer, without injected crashes.</summary>
    public static LabOptions Peer { get; } = new() { Host = LabHost.Peer };

    /// <summary>The production peer with a crash at about one save in 200.</summary>
    public static LabOptions PeerWithCrashes { get; } = new() { Host = LabHost.Peer, CrashPerSave = 0.005 };
}
