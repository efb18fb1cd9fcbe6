
namespace RaftOrleans.Grains.Tests.Raft.Diagnostics;

/// <summary>The Raft instruments count a group's elections, commands, saves and messages under its name.</summary>
[Collection(RaftCollection.Name)]
public sealed class RaftMetricsTests(RaftClusterFixture fixture)
{
    [Fact]
    public async Task AGroupsElectionCommandsAndSaves_AreMeasuredUnderItsName()
    {
        await using var t = new RaftGroupTester(fixture.Cluster, 3, "metrics");
        using var recorded = new RecordedMetrics(t.Group);
        await t.StartAsync();
        var leader = await t.CheckOneLeaderAsync();
        const int executed = 5;
        for (var command = 1; command <= executed; command++)
        {
            await t.Peer(leader).ExecuteAsync(RecordingStateMachine.Command(command));
        }

        // Once every peer applied one more command, every peer applied the five before it too.
        await t.OneAsync(executed + 1, 3, retry: false);

        Assert.Equal(executed, recorded.Count("raft.commit.duration"));
        Assert.True(recorded.Sum("raft.proposals") >= executed + 1, $"proposals {recorded.Sum("raft.proposals")}");
        Assert.True(recorded.Sum("raft.elections") >= 1, "no election counted");
        Assert.True(recorded.Sum("raft.leader.changes") >= 1, "no new leader counted");
        Assert.True(recorded.Sum("raft.term.changes") >= 3, $"term changes {recorded.Sum("raft.term.changes")}: every peer left term 0");
        Assert.True(recorded.Sum("raft.entries.applied") >= 3 * (executed + 1), $"applied {recorded.Sum("raft.entries.applied")}");
        Assert.True(recorded.Sum("raft.storage.save.entries") >= 3 * (executed + 1), $"saved entries {recorded.Sum("raft.storage.save.entries")}");
        Assert.Equal(recorded.Count("raft.storage.save.entries"), recorded.Count("raft.storage.save.duration"));
        Assert.True(recorded.Sum("raft.messages.sent") > 0, "no message counted");
    }
}
