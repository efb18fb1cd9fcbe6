using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>What a coordinator does with reports and writes that go wrong: stale failures, a failed first write.</summary>
[Collection(MapReduceCollection.Name)]
public sealed class JobReportTests(MapReduceClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new("mr-reports");

    [Fact]
    public async Task FailuresReportedByAnAttemptThatIsNotTheRunningOne_AreIgnored()
    {
        var jobId = $"stale-{Guid.NewGuid():N}";
        var job = fixture.Cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(jobId);
        var spec = new JobSpec(GatedApp.AppName, RepoPaths.SampleTexts.Take(1).ToArray(), 1, _dir.Sub(jobId), TaskTimeout: TimeSpan.FromMinutes(2));
        var submitted = await job.SubmitAsync(spec);
        Assert.Equal(1, submitted.TaskLaunches);

        // Attempt 1 of map 0 is running (held at its gate). Reports of attempts 0 and 2, which do not run, fail:
        // as many as would fail the job if they counted.
        foreach (var attempt in new[] { 0, 2, 2 })
        {
            await job.ReportAsync(new TaskReport(TaskKind.Map, 0, attempt, string.Empty, "a failure of another attempt"));
        }

        var after = await job.GetStatusAsync();
        Assert.Equal(JobPhase.Mapping, after.Phase);
        Assert.Equal(1, after.TaskLaunches);

        GatedApp.Open(jobId);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var done = await MapReduceJobs.WaitAsync(fixture.Cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(50), null, deadline.Token);
        Assert.Equal(JobPhase.Completed, done.Phase);
        Assert.Equal(2, done.TaskLaunches);
    }

    [Fact]
    public async Task ASubmissionWhoseFirstWriteFails_LeavesNoJob_AndARetryRunsIt()
    {
        var jobId = $"firstwrite-{Guid.NewGuid():N}";
        var job = fixture.Cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(jobId);
        var spec = new JobSpec(GatedApp.AppName, RepoPaths.SampleTexts.Take(2).ToArray(), 1, _dir.Sub(jobId));
        FaultyGrainStorage.FailNextWrites(job.GetGrainId(), times: 1);

        var failed = await Assert.ThrowsAnyAsync<Exception>(() => job.SubmitAsync(spec));
        Assert.Contains("injected", failed.ToString(), StringComparison.Ordinal);
        Assert.Equal(JobPhase.None, (await job.GetStatusAsync()).Phase);

        // The retry is a real submission, not the status of a job that exists only in memory.
        GatedApp.Open(jobId);
        Assert.Equal(JobPhase.Mapping, (await job.SubmitAsync(spec)).Phase);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var done = await MapReduceJobs.WaitAsync(fixture.Cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(50), null, deadline.Token);
        Assert.Equal(JobPhase.Completed, done.Phase);
    }

    public void Dispose() => _dir.Dispose();
}
