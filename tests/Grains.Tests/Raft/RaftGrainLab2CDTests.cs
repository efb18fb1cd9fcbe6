namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The classic 2C/2D scenarios on Raft peer grains: crashes drop a peer's activation and it restarts from
/// grain storage; snapshots every 10 entries. Long randomized scenarios run fewer rounds than the lab's.
/// </summary>
[Collection(RaftCollection.Name)]
public sealed class RaftGrainLab2CDTests(RaftClusterFixture fixture)
{
    [Fact]
    public async Task Persist12C()
    {
        await using var t = await StartAsync(3, nameof(Persist12C));
        await t.OneAsync(11, 3, retry: true);

        for (var i = 0; i < 3; i++)
        {
            await t.CrashAsync(i);
        }

        for (var i = 0; i < 3; i++)
        {
            await t.RestartAsync(i);
            t.Connect(i);
        }

        await t.OneAsync(12, 3, retry: true);

        var leader1 = await t.CheckOneLeaderAsync();
        await t.CrashAsync(leader1);
        await t.RestartAsync(leader1);
        t.Connect(leader1);
        await t.OneAsync(13, 3, retry: true);

        var leader2 = await t.CheckOneLeaderAsync();
        t.Disconnect(leader2);
        var index = await t.OneAsync(14, 2, retry: true);
        await t.CrashAsync(leader2);
        await t.RestartAsync(leader2);
        t.Connect(leader2);
        await t.WaitAsync(index, 3, -1);

        var i3 = (await t.CheckOneLeaderAsync() + 1) % 3;
        t.Disconnect(i3);
        await t.OneAsync(15, 2, retry: true);
        await t.CrashAsync(i3);
        await t.RestartAsync(i3);
        t.Connect(i3);
        await t.OneAsync(16, 3, retry: true);
    }

    [Fact]
    public async Task Persist22C()
    {
        await using var t = await StartAsync(5, nameof(Persist22C));
        var command = 1;
        for (var round = 0; round < 3; round++)
        {
            await t.OneAsync(10 + command++, 5, retry: true);
            var leader = await t.CheckOneLeaderAsync();
            t.Disconnect((leader + 1) % 5);
            t.Disconnect((leader + 2) % 5);
            await t.OneAsync(10 + command++, 3, retry: true);

            t.Disconnect(leader);
            t.Disconnect((leader + 3) % 5);
            t.Disconnect((leader + 4) % 5);
            foreach (var peer in new[] { (leader + 1) % 5, (leader + 2) % 5 })
            {
                await t.CrashAsync(peer);
                await t.RestartAsync(peer);
                t.Connect(peer);
            }

            await t.CrashAsync((leader + 3) % 5);
            await t.RestartAsync((leader + 3) % 5);
            t.Connect((leader + 3) % 5);

            // Only L+3 holds the last entry: the election restriction must make it the leader of these three.
            await t.OneAsync(10 + command++, 3, retry: true);

            t.Connect((leader + 4) % 5);
            t.Connect(leader);
        }

        await t.OneAsync(1000, 5, retry: true);
    }

    [Fact]
    public async Task Persist32C()
    {
        await using var t = await StartAsync(3, nameof(Persist32C));
        await t.OneAsync(101, 3, retry: false);

        var leader = await t.CheckOneLeaderAsync();
        t.Disconnect((leader + 2) % 3);
        await t.OneAsync(102, 2, retry: false);

        await t.CrashAsync(leader);
        await t.CrashAsync((leader + 1) % 3);
        t.Connect((leader + 2) % 3);
        await t.RestartAsync(leader);
        t.Connect(leader);
        await t.OneAsync(103, 2, retry: true);

        await t.RestartAsync((leader + 1) % 3);
        t.Connect((leader + 1) % 3);
        await t.OneAsync(104, 3, retry: true);
    }

    [Fact]
    public async Task Figure8Unreliable2C()
    {
        await using var t = await StartAsync(5, nameof(Figure8Unreliable2C));
        t.Network.Unreliable = true;
        await t.OneAsync(Random.Shared.Next(10_000), 1, retry: true);

        const int iterations = 120;
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            if (iteration == iterations / 5)
            {
                t.Network.LongReordering = true;
            }

            var leader = -1;
            for (var i = 0; i < 5; i++)
            {
                if ((await t.Peer(i).StartAsync(RecordingStateMachine.Command(Random.Shared.Next(10_000)))).IsLeader && t.IsConnected(i))
                {
                    leader = i;
                }
            }

            await Task.Delay(Random.Shared.Next(100) < 10 ? Random.Shared.Next(500) : Random.Shared.Next(13));
            if (leader != -1 && Random.Shared.Next(1000) < 500)
            {
                t.Disconnect(leader);
            }

            if (Enumerable.Range(0, 5).Count(t.IsConnected) < 3)
            {
                t.Connect(Random.Shared.Next(5));
            }
        }

        for (var i = 0; i < 5; i++)
        {
            t.Connect(i);
        }

        await t.OneAsync(Random.Shared.Next(10_000), 5, retry: true);
    }

    [Fact]
    public async Task UnreliableChurn2C()
    {
        await using var t = await StartAsync(5, nameof(UnreliableChurn2C));
        t.Network.Unreliable = true;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(id => ChurnClientAsync(t, id, stop.Token)).ToArray();

        for (var round = 0; round < 12; round++)
        {
            if (Random.Shared.Next(1000) < 200)
            {
                t.Disconnect(Random.Shared.Next(5));
            }

            if (Random.Shared.Next(1000) < 500)
            {
                var peer = Random.Shared.Next(5);
                await t.RestartAsync(peer);
                t.Connect(peer);
            }

            if (Random.Shared.Next(1000) < 200)
            {
                await t.CrashAsync(Random.Shared.Next(5));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(700));
        }

        t.Network.Unreliable = false;
        for (var i = 0; i < 5; i++)
        {
            await t.RestartAsync(i);
            t.Connect(i);
        }

        await stop.CancelAsync();
        var committedByClients = (await Task.WhenAll(clients)).SelectMany(values => values).ToHashSet();

        var last = await t.OneAsync(Random.Shared.Next(), 5, retry: true);
        var inLog = new HashSet<int>();
        for (long index = 1; index <= last; index++)
        {
            // Snapshots trim per-peer histories; the group's log of applied commands keeps every index.
            Assert.True(t.Applied.TryGetLogged(index, out var value), $"index {index} below the last committed {last} was never applied");
            if (value is { } v)
            {
                inLog.Add(v);
            }
        }

        Assert.Empty(t.Applied.Errors);

        Assert.Subset(inLog, committedByClients);
    }

    [Fact]
    public async Task SnapshotInstall2D() => await SnapshotCommonAsync(nameof(SnapshotInstall2D), crash: false);

    [Fact]
    public async Task SnapshotInstallCrash2D() => await SnapshotCommonAsync(nameof(SnapshotInstallCrash2D), crash: true);

    /// <summary>snapcommon: a lagging victim must catch up, usually through InstallSnapshot, while logs stay trimmed.</summary>
    private async Task SnapshotCommonAsync(string name, bool crash)
    {
        await using var t = await StartAsync(3, name);
        await t.OneAsync(Random.Shared.Next(), 3, retry: true);
        var leader = await t.CheckOneLeaderAsync();

        for (var iteration = 0; iteration < 8; iteration++)
        {
            var (victim, sender) = iteration % 3 == 1 ? (leader, (leader + 1) % 3) : ((leader + 1) % 3, leader);
            if (crash)
            {
                await t.CrashAsync(victim);
            }
            else
            {
                t.Disconnect(victim);
            }

            await t.OneAsync(Random.Shared.Next(), 2, retry: true);
            for (var i = 0; i < 11; i++)
            {
                await t.Peer(sender).StartAsync(RecordingStateMachine.Command(Random.Shared.Next()));
            }

            await t.OneAsync(Random.Shared.Next(), 2, retry: true);
            for (var i = 0; i < 3; i++)
            {
                if (t.IsConnected(i))
                {
                    var state = await t.StateAsync(i);
                    Assert.True(state.LastIndex - state.SnapshotIndex < 40, $"log too long on {RaftGroupTester.PeerId(i)}: {state.LastIndex - state.SnapshotIndex} entries after snapshot {state.SnapshotIndex}");
                }
            }

            if (crash)
            {
                await t.RestartAsync(victim);
            }

            t.Connect(victim);
            await t.OneAsync(Random.Shared.Next(), 3, retry: true);
            leader = await t.CheckOneLeaderAsync();
        }

        Assert.True((await t.StateAsync(leader)).SnapshotIndex > 0, "the leader never snapshotted");
    }

    private static async Task<List<int>> ChurnClientAsync(RaftGroupTester t, int id, CancellationToken stop)
    {
        var committed = new List<int>();
        while (!stop.IsCancellationRequested)
        {
            var value = Random.Shared.Next();
            long index = -1;
            for (var i = 0; i < t.Count; i++)
            {
                if (t.IsConnected(i) && await t.Peer(i).StartAsync(RecordingStateMachine.Command(value)) is { IsLeader: true } start)
                {
                    index = start.Index;
                }
            }

            if (index > 0)
            {
                foreach (var pause in new[] { 10, 20, 50, 100, 200 })
                {
                    if (t.NCommitted(index) is { Count: > 0 } result)
                    {
                        if (result.Value == value)
                        {
                            committed.Add(value);
                        }

                        break;
                    }

                    await Task.Delay(pause, CancellationToken.None);
                }
            }
            else
            {
                await Task.Delay(79 + (17 * id), CancellationToken.None);
            }
        }

        return committed;
    }

    private async Task<RaftGroupTester> StartAsync(int peers, string name)
    {
        var tester = new RaftGroupTester(fixture.Cluster, peers, name);
        await tester.StartAsync();
        return tester;
    }
}
