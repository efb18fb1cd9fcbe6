using Orleans.TestingHost;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>Every silo of a cluster dies; a new cluster on the same storage brings the group back.</summary>
public sealed class RaftGroupRestartTests : IDisposable
{
    private readonly TempDirectory _root = new("raft-restart");

    [Fact]
    public async Task AllSilosKilled_GroupComesBackFromStorageWithLogAndSnapshot()
    {
        var serviceId = $"raft-restart-{Guid.NewGuid():N}";
        var committed = new Dictionary<long, int>();
        string group;
        long lastCommitted;

        var first = await StartClusterAsync(serviceId);
        try
        {
            var t = new RaftGroupTester(first, 3, "restart");
            group = t.Group;
            await t.StartAsync();
            for (var command = 1; command <= 25; command++)
            {
                committed[await t.OneAsync(command, 3, retry: true)] = command;
            }

            lastCommitted = committed.Keys.Max();
            foreach (var silo in first.Silos.Where(s => s != first.Primary).ToList())
            {
                await first.KillSiloAsync(silo);
            }

            await first.KillSiloAsync(first.Primary!);
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await StartClusterAsync(serviceId);
        try
        {
            var t = new RaftGroupTester(second, 3, "restart", group);
            for (var i = 0; i < 3; i++)
            {
                var state = await t.StateAsync(i);
                Assert.True(state.SnapshotIndex > 0, $"{RaftGroupTester.PeerId(i)} lost its snapshot");
                Assert.True(state.LastIndex >= lastCommitted, $"{RaftGroupTester.PeerId(i)} came back with log up to {state.LastIndex}, below the committed {lastCommitted}");
            }

            var next = await t.OneAsync(1000, 3, retry: true);
            Assert.True(next > lastCommitted);
            foreach (var (index, command) in committed)
            {
                Assert.True(t.Applied.TryGetLogged(index, out var value) && value == command, $"committed {command} at {index} is gone");
            }

            Assert.Empty(t.Applied.Errors);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    public void Dispose() => _root.Dispose();

    private async Task<TestCluster> StartClusterAsync(string serviceId)
    {
        var builder = new TestClusterBuilder(3);
        builder.Options.ServiceId = serviceId;
        builder.Properties[RaftSiloConfigurator.DatabaseKey] = _root.Sub("raft");
        builder.AddSiloBuilderConfigurator<RaftSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
