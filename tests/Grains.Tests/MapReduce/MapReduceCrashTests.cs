using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Tests.MapReduce.Apps;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>
/// The lab's crash scenario: a third of all map and reduce calls kill the silo they run on (a real
/// <c>KillSiloAsync</c>), another third stall past the task timeout, and a new silo joins after each kill.
/// The job must still finish with the sequential nocrash output.
/// </summary>
public sealed class MapReduceCrashTests(MapReduceCrashTests.CrashClusterFixture fixture, ITestOutputHelper log)
    : IClassFixture<MapReduceCrashTests.CrashClusterFixture>
{
    public static SiloKillSwitch KillSwitch { get; } = new();

    [Fact]
    public async Task Crash_JobFinishesWithSequentialOutputWhileSilosDieAndJoin()
    {
        using var stop = new CancellationTokenSource();
        var driver = DriveKillsAsync(fixture.Cluster, log, stop.Token);
        JobStatus status;
        string output;
        int kills;
        try
        {
            (status, output) = await fixture.RunJobAsync(CrashApp.CrashName, RepoPaths.SampleTexts, timeout: TimeSpan.FromMinutes(4));
            log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} job done");
        }
        finally
        {
            // Even when the job fails, no kill may outlive this test: the next one shares the cluster.
            await stop.CancelAsync();
            kills = await driver;
            log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} driver done");
        }

        log.WriteLine($"{kills} silo kills, {status.TaskLaunches} task launches, {status.ReExecutions} re-executions, {status.Elapsed}");
        Assert.Equal(JobPhase.Completed, status.Phase);
        Assert.Equal(JobOutput.SequentialLines(new CrashApp(null, TimeSpan.Zero), RepoPaths.SampleTexts), JobOutput.MergedLines(output));
        Assert.True(kills > 0, "no silo was killed during the job");
        Assert.True(status.ReExecutions > 0, "no task was ever re-executed: the crash app did not bite");
    }

    [Fact]
    public async Task CoordinatorSiloKilled_JobResumesElsewhereFromStorage()
    {
        var cluster = fixture.Cluster;
        var inputs = RepoPaths.SampleTexts;
        using var root = new TempDirectory("mr-coordinator");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // The primary silo hosts the test cluster's membership and cannot die; submit until a job's
        // coordinator lands elsewhere (placement is not ours to choose for the job grain).
        string jobId;
        JobStatus status;
        do
        {
            jobId = $"coord-{Guid.NewGuid():N}";
            status = await cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(jobId)
                .SubmitAsync(new JobSpec(EarlyExitApp.AppName, inputs, 10, Path.Combine(root.Path, jobId)));
        }
        while (status.Coordinator == cluster.Primary?.SiloAddress.ToParsableString());

        var first = status.Coordinator;
        var reducing = await MapReduceJobs.WaitAsync(cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(20), null, deadline.Token, s => s.Phase != JobPhase.Mapping);
        Assert.Equal(JobPhase.Reducing, reducing.Phase);

        var coordinatorSilo = cluster.Silos.Single(s => s.SiloAddress.ToParsableString() == first);
        await cluster.KillSiloAsync(coordinatorSilo);
        await cluster.StartAdditionalSiloAsync();
        var done = await MapReduceJobs.WaitAsync(cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(50), null, deadline.Token);

        Assert.Equal(JobPhase.Completed, done.Phase);
        Assert.NotEqual(first, done.Coordinator);
        Assert.Equal(JobOutput.SequentialLines(new EarlyExitApp(), inputs), JobOutput.MergedLines(Path.Combine(root.Path, jobId)));
    }

    /// <summary>Kills the silo a crash request names (never the primary, which hosts membership), then adds a replacement.</summary>
    private static async Task<int> DriveKillsAsync(TestCluster cluster, ITestOutputHelper log, CancellationToken stop)
    {
        var kills = 0;
        try
        {
            await foreach (var request in KillSwitch.Requests.ReadAllAsync(stop))
            {
                var silo = cluster.Silos.FirstOrDefault(s => s.SiloAddress.ToParsableString() == request.WorkerId);
                if (silo is null || silo == cluster.Primary)
                {
                    log.WriteLine($"not killing {request.WorkerId}: {(silo is null ? "not a live silo" : "primary")}");
                    request.Done.TrySetResult(false);
                    continue;
                }

                await cluster.KillSiloAsync(silo);
                kills++;
                log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} killed {request.WorkerId}");
                request.Done.TrySetResult(true);
                await cluster.StartAdditionalSiloAsync();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        // Refuse later requests (a stalled duplicate attempt may still roll) and release any app thread still
        // waiting, so the silos can stop.
        KillSwitch.Close();
        while (KillSwitch.Requests.TryRead(out var pending))
        {
            pending.Done.TrySetResult(false);
        }

        return kills;
    }

    public sealed class CrashClusterFixture : MapReduceClusterFixture
    {
        protected override TimeSpan TaskTimeout => TimeSpan.FromSeconds(3);

        protected override TimeSpan MaxStall => TimeSpan.FromSeconds(4);
    }
}
