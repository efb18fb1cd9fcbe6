using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>Backup tasks (the paper's §3.6): one slow silo does not hold a job up for its stragglers' time.</summary>
public sealed class BackupTaskTests(BackupTaskTests.BackupClusterFixture fixture) : IClassFixture<BackupTaskTests.BackupClusterFixture>
{
    [Fact]
    public async Task ASlowSilo_StragglersGetBackups_AndTheJobFinishesInAboutTheNormalTime()
    {
        StragglerApp.SlowSilo = fixture.Cluster.Silos[0].SiloAddress.ToParsableString();
        try
        {
            var inputs = RepoPaths.SampleTexts;
            var (status, output) = await fixture.RunJobAsync(StragglerApp.AppName, inputs, reduceTasks: 6);

            Assert.Equal(JobPhase.Completed, status.Phase);
            Assert.True(status.BackupLaunches >= 1, "no backup attempt was launched");
            Assert.Equal(0, status.ReExecutions);
            Assert.True(status.Elapsed < StragglerApp.Delay, $"the job took {status.Elapsed.TotalSeconds:0.0} s: it waited for a straggler ({StragglerApp.Delay.TotalSeconds:0} s)");
            Assert.Equal(JobOutput.SequentialLines(new WordCountApp(), inputs), JobOutput.MergedLines(output));
        }
        finally
        {
            StragglerApp.SlowSilo = null;
        }
    }

    public sealed class BackupClusterFixture : MapReduceClusterFixture
    {
        protected override bool BackupTasks => true;
    }
}
