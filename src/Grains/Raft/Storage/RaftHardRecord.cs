using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Raft.Storage;

/// <summary>The small, often-written record: term and vote (Figure 2's persistent state) and the group.</summary>
[GenerateSerializer, Alias("raft.RaftHardRecord")]
public sealed class RaftHardRecord
{
    [Id(0)] public RaftGroupConfig? Group { get; set; }

    [Id(1)] public HardState HardState { get; set; } = HardState.Initial;

    /// <summary>Bumped by every activation before it acts, so an older activation's next write fails its ETag check.</summary>
    [Id(2)] public long Incarnation { get; set; }
}
