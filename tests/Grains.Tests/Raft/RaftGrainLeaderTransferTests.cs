namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>Leadership transfer through the peer grain (thesis §3.10) on the shared Raft test cluster.</summary>
[Collection(RaftCollection.Name)]
public sealed class RaftGrainLeaderTransferTests(RaftClusterFixture fixture)
{
    [Fact]
    public async Task TransferLeadership_TheNamedFollowerLeadsTheNextTerm_AndCommandsGoOn()
    {
        await using var t = new RaftGroupTester(fixture.Cluster, 3, "transfer");
        await t.StartAsync();
        await t.OneAsync(1, 3, retry: true);
        var leader = await t.CheckOneLeaderAsync();
        var term = (await t.StateAsync(leader)).Term;
        var (target, other) = ((leader + 1) % 3, (leader + 2) % 3);

        Assert.False(await t.Peer(other).TransferLeadershipAsync(RaftGroupTester.PeerId(target)), "a follower cannot hand over");
        Assert.True(await t.Peer(leader).TransferLeadershipAsync(RaftGroupTester.PeerId(target)));

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!(await t.StateAsync(target)).IsLeader)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
        }

        Assert.Equal(term + 1, (await t.StateAsync(target)).Term);
        Assert.Equal(target, await t.CheckOneLeaderAsync());
        await t.OneAsync(2, 3, retry: true);
        Assert.Empty(t.Applied.Errors);
    }
}
