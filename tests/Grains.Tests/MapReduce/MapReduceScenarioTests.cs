using System.Globalization;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>The classic lab's test-mr.sh scenarios 1–6 on a three-silo TestCluster.</summary>
[Collection(MapReduceCollection.Name)]
public sealed class MapReduceScenarioTests(MapReduceClusterFixture fixture)
{
    private static IReadOnlyList<string> Inputs => RepoPaths.SampleTexts;

    [Fact]
    public async Task WordCount_EqualsSequentialWordCount()
    {
        var (status, output) = await fixture.RunJobAsync(WordCountApp.AppName, Inputs);

        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.Equal(10, status.OutputFiles.Count);
        Assert.Equal(0, status.ReExecutions);
        JobOutput.AssertWellFormed(output, 10);
        Assert.Equal(JobOutput.SequentialLines(new WordCountApp(), Inputs), JobOutput.MergedLines(output));
    }

    [Fact]
    public async Task Indexer_EqualsSequentialIndex()
    {
        var (status, output) = await fixture.RunJobAsync(IndexerApp.AppName, Inputs);

        Assert.Equal(JobPhase.Completed, status.Phase);
        JobOutput.AssertWellFormed(output, 10);
        Assert.Equal(JobOutput.SequentialLines(new IndexerApp(), Inputs), JobOutput.MergedLines(output));
    }

    [Fact]
    public async Task MapParallelism_MapsRunAtOnceOnDifferentSilos()
    {
        var (status, output) = await fixture.RunJobAsync(MapTimingApp.AppName, Inputs);

        Assert.Equal(JobPhase.Completed, status.Phase);
        var lines = JobOutput.MergedLines(output);
        Assert.True(lines.Count(l => l.StartsWith("times-", StringComparison.Ordinal)) >= 2, "maps ran on fewer than two silos:\n" + string.Join('\n', lines));
        var parallel = lines
            .Where(l => l.StartsWith("parallel-", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ').Skip(1))
            .Select(v => int.Parse(v, CultureInfo.InvariantCulture));
        Assert.True(parallel.Any(n => n >= 2), "no map saw another silo mapping at the same time:\n" + string.Join('\n', lines));
    }

    [Fact]
    public async Task ReduceParallelism_ReducesRunAtOnceOnDifferentSilos()
    {
        var (status, output) = await fixture.RunJobAsync(ReduceTimingApp.AppName, Inputs);

        Assert.Equal(JobPhase.Completed, status.Phase);
        var lines = JobOutput.MergedLines(output);
        Assert.Equal(10, lines.Count);
        var concurrent = lines.Count(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture) >= 2);
        Assert.True(concurrent >= 2, "fewer than two reduces saw another silo reducing at the same time:\n" + string.Join('\n', lines));
    }

    [Fact]
    public async Task JobCount_EachMapRunsExactlyOnceWithoutFailures()
    {
        var (status, output) = await fixture.RunJobAsync(JobCountApp.AppName, Inputs);

        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.Equal([$"a {Inputs.Count}"], JobOutput.MergedLines(output));
        Assert.Equal(0, status.ReExecutions);
    }

    [Fact]
    public async Task EarlyExit_NothingIsDoneBeforeEveryReduceIs()
    {
        var jobId = $"early-{Guid.NewGuid():N}";
        var output = Path.Combine(fixture.Scratch, jobId);
        var job = fixture.Cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(jobId);
        await job.SubmitAsync(new JobSpec(EarlyExitApp.AppName, Inputs, 10, output));

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var sawRunningWithoutOutputs = false;
        var done = await MapReduceJobs.WaitAsync(fixture.Cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(20), status =>
        {
            if (!status.IsFinished)
            {
                Assert.Empty(status.OutputFiles);
                sawRunningWithoutOutputs |= status.Phase == JobPhase.Reducing;
            }
        }, deadline.Token);

        // The moment the job says it is done, no app call may still be running and the output is final.
        var activeAtCompletion = EarlyExitApp.Activity.Active;
        var atCompletion = JobOutput.MergedLines(output);
        await EarlyExitApp.Activity.WhenIdle.WaitAsync(deadline.Token);
        var afterQuiet = JobOutput.MergedLines(output);

        Assert.Equal(JobPhase.Completed, done.Phase);
        Assert.True(sawRunningWithoutOutputs, "never observed the job reducing");
        Assert.Equal(0, activeAtCompletion);
        Assert.Equal(JobOutput.SequentialLines(new EarlyExitApp(), Inputs), atCompletion);
        Assert.Equal(atCompletion, afterQuiet);
    }
}
