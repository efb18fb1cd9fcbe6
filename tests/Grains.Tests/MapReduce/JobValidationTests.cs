using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>Bad submissions get a clear error and leave nothing behind: no job state, no files.</summary>
[Collection(MapReduceCollection.Name)]
public sealed class JobValidationTests(MapReduceClusterFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new("mr-invalid");

    [Fact]
    public Task MissingInputFile_IsRejected() =>
        AssertRejectedAsync(Spec(inputs: [RepoPaths.SampleTexts[0], _dir.Sub("no-such.txt")]), "does not exist");

    [Fact]
    public Task EmptyInputList_IsRejected() =>
        AssertRejectedAsync(Spec(inputs: []), "No input files");

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public Task ReduceTasksBelowOne_IsRejected(int reduceTasks) =>
        AssertRejectedAsync(Spec(reduceTasks: reduceTasks), "reduce tasks");

    [Fact]
    public async Task UnknownApp_IsRejectedListingTheKnownOnes()
    {
        var error = await AssertRejectedAsync(Spec(app: "nosuchapp"), "Unknown app 'nosuchapp'");
        Assert.Contains(WordCountApp.AppName, error.Message, StringComparison.Ordinal);
        Assert.Contains(IndexerApp.AppName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnwritableOutputDirectory_IsRejected()
    {
        var blocker = _dir.Sub("a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        await AssertRejectedAsync(Spec(output: Path.Combine(blocker, "out")), "cannot be written");
    }

    [Fact]
    public Task RelativeInputPath_IsRejected() =>
        AssertRejectedAsync(Spec(inputs: ["samples/pg-grimm.txt"]), "absolute path");

    [Fact]
    public async Task SameIdForADifferentJob_IsRejectedAndTheFirstJobStands()
    {
        var (first, _) = await fixture.RunJobAsync(WordCountApp.AppName, [RepoPaths.SampleTexts[0]], reduceTasks: 2);
        var job = fixture.Cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(first.JobId);

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => job.SubmitAsync(Spec(reduceTasks: 3)));

        Assert.Contains("already used", error.Message, StringComparison.Ordinal);
        Assert.Equal(JobPhase.Completed, (await job.GetStatusAsync()).Phase);
    }

    public void Dispose() => _dir.Dispose();

    private JobSpec Spec(string app = WordCountApp.AppName, IReadOnlyList<string>? inputs = null, int reduceTasks = 3, string? output = null) =>
        new(app, inputs ?? RepoPaths.SampleTexts, reduceTasks, output ?? _dir.Sub("out"));

    private async Task<InvalidJobException> AssertRejectedAsync(JobSpec spec, string expected)
    {
        var job = fixture.Cluster.GrainFactory.GetGrain<IMapReduceJobGrain>($"invalid-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => job.SubmitAsync(spec));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(JobPhase.None, (await job.GetStatusAsync()).Phase);
        Assert.False(Directory.Exists(spec.OutputDirectory) && Directory.EnumerateFileSystemEntries(spec.OutputDirectory).Any(), "a rejected job wrote files");
        return error;
    }
}
