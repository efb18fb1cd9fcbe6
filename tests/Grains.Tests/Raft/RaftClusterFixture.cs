using Orleans.TestingHost;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>A three-silo TestCluster running Raft peers, with its own database.</summary>
public class RaftClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("raft-cluster");

    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
        builder.Properties[RaftSiloConfigurator.DatabaseKey] = _root.Sub("raft");
        builder.AddSiloBuilderConfigurator<RaftSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _root.Dispose();
    }
}
