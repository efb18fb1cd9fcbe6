namespace RaftOrleans.Grains.Tests.Raft;

[CollectionDefinition(Name)]
public sealed class RaftCollection : ICollectionFixture<RaftClusterFixture>
{
    public const string Name = "Raft cluster";
}
