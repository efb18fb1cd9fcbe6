namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>The classic 2A/2B scenarios on Raft peer grains of a real three-silo cluster, with real timers.</summary>
[Collection(RaftCollection.Name)]
public sealed class RaftGrainLab2ABTests(RaftClusterFixture fixture)
{
    [Fact]
    public async Task InitialElection2A()
    {
        await using var t = await StartAsync(3, nameof(InitialElection2A));

        await t.CheckOneLeaderAsync();
        var term1 = await t.CheckTermsAsync();
        Assert.True(term1 >= 1, $"term is {term1}, but should be at least 1");
        await t.CheckNoLeaderChangeAsync(2 * RaftGroupTester.ElectionTimeout);
        await t.CheckOneLeaderAsync();
    }

    [Fact]
    public async Task ReElection2A()
    {
        await using var t = await StartAsync(3, nameof(ReElection2A));

        var leader1 = await t.CheckOneLeaderAsync();
        t.Disconnect(leader1);
        await t.CheckOneLeaderAsync();

        t.Connect(leader1);
        var leader2 = await t.CheckOneLeaderAsync();

        t.Disconnect(leader2);
        t.Disconnect((leader2 + 1) % 3);
        await t.CheckNoLeaderForAsync(2 * RaftGroupTester.ElectionTimeout);

        t.Connect((leader2 + 1) % 3);
        await t.CheckOneLeaderAsync();

        t.Connect(leader2);
        await t.CheckOneLeaderAsync();
    }

    [Fact]
    public async Task BasicAgree2B()
    {
        await using var t = await StartAsync(3, nameof(BasicAgree2B));

        long previous = 0;
        foreach (var command in new[] { 100, 200, 300 })
        {
            var index = await t.OneAsync(command, 3, retry: false);
            Assert.True(index > previous, $"got index {index} after {previous}");
            previous = index;
        }
    }

    [Fact]
    public async Task FailAgree2B()
    {
        await using var t = await StartAsync(3, nameof(FailAgree2B));
        await t.OneAsync(101, 3, retry: false);

        var leader = await t.CheckOneLeaderAsync();
        t.Disconnect((leader + 1) % 3);
        await t.OneAsync(102, 2, retry: false);
        await t.OneAsync(103, 2, retry: false);
        await t.OneAsync(104, 2, retry: false);
        await t.OneAsync(105, 2, retry: false);

        t.Connect((leader + 1) % 3);
        await t.OneAsync(106, 3, retry: true);
        await t.OneAsync(107, 3, retry: true);
    }

    [Fact]
    public async Task FailNoAgree2B()
    {
        await using var t = await StartAsync(5, nameof(FailNoAgree2B));
        await t.OneAsync(10, 5, retry: false);

        var leader = await t.CheckOneLeaderAsync();
        t.Disconnect((leader + 1) % 5);
        t.Disconnect((leader + 2) % 5);
        t.Disconnect((leader + 3) % 5);

        var start = await t.Peer(leader).StartAsync(RecordingStateMachine.Command(20));
        Assert.True(start.IsLeader, "leader rejected Start()");
        await t.CheckNotCommittedForAsync(start.Index, 2 * RaftGroupTester.ElectionTimeout);

        t.Connect((leader + 1) % 5);
        t.Connect((leader + 2) % 5);
        t.Connect((leader + 3) % 5);
        var leader2 = await t.CheckOneLeaderAsync();
        var start2 = await t.Peer(leader2).StartAsync(RecordingStateMachine.Command(30));
        Assert.True(start2.IsLeader, "leader2 rejected Start()");
        await t.OneAsync(1000, 5, retry: true);
    }

    [Fact]
    public async Task ConcurrentStarts2B()
    {
        await using var t = await StartAsync(3, nameof(ConcurrentStarts2B));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var leader = await t.CheckOneLeaderAsync();
            var first = await t.Peer(leader).StartAsync(RecordingStateMachine.Command(1));
            if (!first.IsLeader)
            {
                continue;
            }

            var starts = await Task.WhenAll(Enumerable.Range(100, 5).Select(c => t.Peer(leader).StartAsync(RecordingStateMachine.Command(c))));
            if (starts.Any(s => !s.IsLeader || s.Term != first.Term))
            {
                continue;
            }

            var values = new List<int?>();
            var moved = false;
            foreach (var start in starts)
            {
                var value = await t.WaitAsync(start.Index, 3, first.Term);
                moved |= value == -1;
                values.Add(value);
            }

            if (moved)
            {
                continue;
            }

            foreach (var command in Enumerable.Range(100, 5))
            {
                Assert.Contains(command, values);
            }

            return;
        }

        Assert.Fail("term changed too often");
    }

    [Fact]
    public async Task Rejoin2B()
    {
        await using var t = await StartAsync(3, nameof(Rejoin2B));
        await t.OneAsync(101, 3, retry: true);

        var leader1 = await t.CheckOneLeaderAsync();
        t.Disconnect(leader1);
        foreach (var command in new[] { 102, 103, 104 })
        {
            await t.Peer(leader1).StartAsync(RecordingStateMachine.Command(command));
        }

        await t.OneAsync(103, 2, retry: true);

        var leader2 = await t.CheckOneLeaderAsync();
        t.Disconnect(leader2);
        t.Connect(leader1);
        await t.OneAsync(104, 2, retry: true);

        t.Connect(leader2);
        await t.OneAsync(105, 3, retry: true);
    }

    [Fact]
    public async Task Backup2B()
    {
        await using var t = await StartAsync(5, nameof(Backup2B));
        await t.OneAsync(Random.Shared.Next(), 5, retry: true);

        var leader1 = await t.CheckOneLeaderAsync();
        t.Disconnect((leader1 + 2) % 5);
        t.Disconnect((leader1 + 3) % 5);
        t.Disconnect((leader1 + 4) % 5);
        var last = await t.StartManyAsync(leader1, 50);
        await t.WaitForLogAsync((leader1 + 1) % 5, last);
        t.Disconnect(leader1);
        t.Disconnect((leader1 + 1) % 5);
        t.Connect((leader1 + 2) % 5);
        t.Connect((leader1 + 3) % 5);
        t.Connect((leader1 + 4) % 5);
        for (var i = 0; i < 50; i++)
        {
            await t.OneAsync(Random.Shared.Next(), 3, retry: true);
        }

        var leader2 = await t.CheckOneLeaderAsync();
        var other = (leader1 + 2) % 5;
        if (leader2 == other)
        {
            other = (leader2 + 1) % 5;
        }

        t.Disconnect(other);
        last = await t.StartManyAsync(leader2, 50);
        var partner = Enumerable.Range(0, 5).First(i => i != leader2 && t.IsConnected(i));
        await t.WaitForLogAsync(partner, last);
        for (var i = 0; i < 5; i++)
        {
            t.Disconnect(i);
        }

        t.Connect(leader1);
        t.Connect((leader1 + 1) % 5);
        t.Connect(other);
        for (var i = 0; i < 50; i++)
        {
            await t.OneAsync(Random.Shared.Next(), 3, retry: true);
        }

        for (var i = 0; i < 5; i++)
        {
            t.Connect(i);
        }

        await t.OneAsync(Random.Shared.Next(), 5, retry: true);
    }

    private async Task<RaftGroupTester> StartAsync(int peers, string name)
    {
        var tester = new RaftGroupTester(fixture.Cluster, peers, name);
        await tester.StartAsync();
        return tester;
    }
}
