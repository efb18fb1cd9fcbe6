using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>
/// Task liveness on a cluster whose task timeout is 2 s: a task is handed out again when it goes silent, never
/// merely because it is long (it reports progress every second while its counters move).
/// </summary>
public sealed class TaskLivenessTests(TaskLivenessTests.LivenessClusterFixture fixture)
    : IClassFixture<TaskLivenessTests.LivenessClusterFixture>
{
    [Fact]
    public async Task ALongTaskThatKeepsWorking_IsNotReExecuted()
    {
        var inputs = RepoPaths.SampleTexts.Take(3).ToArray();
        var (status, _) = await fixture.RunJobAsync(SteadyApp.AppName, inputs, reduceTasks: 2);

        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.True(status.Elapsed > 2 * fixture.Timeout, $"the maps ran {status.Elapsed.TotalSeconds:0.0} s: no longer than the timeout");
        Assert.Equal(0, status.ReExecutions);
        Assert.Equal(inputs.Length + 2, status.TaskLaunches);
    }

    [Fact]
    public async Task ASilentTask_IsReExecuted_AndTheJobDoesNotWaitForIt()
    {
        // One map task: no other task finishes first, so no backup attempt steps in; only liveness can.
        var inputs = RepoPaths.SampleTexts.Take(1).ToArray();
        var (status, output) = await fixture.RunJobAsync(StallOnceApp.AppName, inputs, reduceTasks: 2);

        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.Equal(1, status.ReExecutions);
        Assert.True(status.Elapsed < StallOnceApp.Stall, $"the job took {status.Elapsed.TotalSeconds:0.0} s: it waited for the silent attempt");
        Assert.Equal(inputs.Select(i => $"{Path.GetFileName(i)} 1").Order(StringComparer.Ordinal), JobOutput.MergedLines(output));
    }

    public sealed class LivenessClusterFixture : MapReduceClusterFixture
    {
        public TimeSpan Timeout => TaskTimeout;

        protected override TimeSpan TaskTimeout => TimeSpan.FromSeconds(2);
    }
}
