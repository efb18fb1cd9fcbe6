using RaftOrleans.Raft.Core;

namespace RaftOrleans.Grains.Raft.Storage;

[GenerateSerializer, Alias("raft.RaftSnapshotRecord")]
public sealed class RaftSnapshotRecord
{
    [Id(0)] public RaftSnapshot? Snapshot { get; set; }
}
