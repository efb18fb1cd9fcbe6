using System.Diagnostics;
using System.Globalization;
using Orleans.TestingHost;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.MapReduce.Apps;
using RaftOrleans.Grains.MapReduce.Execution;

namespace RaftOrleans.Bench;

/// <summary>
/// MapReduce job wall time against the single-threaded sequential implementation, over the same inputs,
/// in the same process and run: the sequential baseline is timed between the cluster runs.
/// </summary>
internal static class MapReduceBench
{
    public static async Task RunAsync(string[] args)
    {
        var repeat = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var inputs = Directory.GetFiles(Path.Combine(RepoRoot(), "samples"), "pg-*.txt").Order(StringComparer.Ordinal).ToArray();
        var apps = new (string Name, IMapReduceApp App)[] { (WordCountApp.AppName, new WordCountApp()), (IndexerApp.AppName, new IndexerApp()) };

        Console.WriteLine($"MapReduce over {inputs.Length} files ({inputs.Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB), median of {repeat} runs, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| app | sequential (s) | silos | job (s) | job / sequential |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var silos in new[] { 1, 2, 4 })
        {
            await using var cluster = await BenchCluster.StartAsync(silos);
            foreach (var (name, app) in apps)
            {
                var sequential = Median(repeat, () => Time(() => SequentialMapReduce.Run(app, inputs)));
                await RunJobAsync(cluster.Cluster, name, inputs, cluster.Scratch); // warm-up
                var job = new List<double>();
                for (var i = 0; i < repeat; i++)
                {
                    job.Add(await RunJobAsync(cluster.Cluster, name, inputs, cluster.Scratch));
                }

                var median = job.Order().ElementAt(job.Count / 2);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sequential:0.000} | {silos} | {median:0.000} | {median / sequential:0.00} |"));
            }
        }
    }

    private static async Task<double> RunJobAsync(TestCluster cluster, string app, string[] inputs, string scratch)
    {
        var jobId = $"{app}-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        await cluster.GrainFactory.GetGrain<IMapReduceJobGrain>(jobId).SubmitAsync(new JobSpec(app, inputs, 10, Path.Combine(scratch, jobId)));
        var status = await MapReduceJobs.WaitAsync(cluster.GrainFactory, jobId, TimeSpan.FromMilliseconds(5), null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        if (status.Phase != JobPhase.Completed)
        {
            throw new InvalidOperationException($"job {jobId} ended {status.Phase}: {status.Error}");
        }

        return seconds;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(int count, Func<double> measure) =>
        Enumerable.Range(0, count).Select(_ => measure()).Order().ElementAt(count / 2);

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Raft.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
