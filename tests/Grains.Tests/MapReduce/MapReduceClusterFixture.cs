using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.MapReduce;

/// <summary>A TestCluster of three silos running MapReduce, with its own database and scratch directory.</summary>
public class MapReduceClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = new("mr-cluster");

    public TestCluster Cluster { get; private set; } = null!;

    public string Scratch => _root.Sub("scratch");

    protected virtual TimeSpan TaskTimeout => TimeSpan.FromSeconds(10);

    protected virtual TimeSpan MaxStall => TimeSpan.Zero;

    /// <summary>The paper's backup tasks; off for the lab's scenarios, which count map executions.</summary>
    protected virtual bool BackupTasks => false;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        var builder = new TestClusterBuilder(3);
        builder.Properties[MapReduceSiloConfigurator.DatabaseKey] = _root.Sub("grains.db");
        builder.Properties[MapReduceSiloConfigurator.ScratchKey] = Scratch;
        builder.Properties[MapReduceSiloConfigurator.TaskTimeoutKey] = ((int)TaskTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Properties[MapReduceSiloConfigurator.BackupTasksKey] = BackupTasks.ToString();
        builder.Properties[MapReduceSiloConfigurator.MaxStallKey] = ((int)MaxStall.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddSiloBuilderConfigurator<MapReduceSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>Submits a job over <paramref name="inputs"/> into a fresh output directory and waits for its end.</summary>
    public async Task<(JobStatus Status, string Output)> RunJobAsync(string app, IReadOnlyList<string> inputs, int reduceTasks = 10, TimeSpan? timeout = null, long? splitBytes = null)
    {
        var jobId = $"{app}-{Guid.NewGuid():N}";
        var output = _root.Sub($"out-{jobId}");
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        await MapReduceJobs.SubmitAsync(Cluster.GrainFactory, jobId, new JobSpec(app, inputs, reduceTasks, output, SplitBytes: splitBytes), TimeSpan.FromMilliseconds(50), deadline.Token);
        var status = await MapReduceJobs.WaitAsync(Cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(50), null, deadline.Token);
        return (status, output);
    }
}
