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
        var repeat = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var largeMb = Load.ArgInt(args, "--large", 0);
        var inputs = Directory.GetFiles(Path.Combine(RepoRoot(), "samples"), "pg-*.txt").Order(StringComparer.Ordinal).ToArray();
        var apps = new (string Name, IMapReduceApp App)[] { (WordCountApp.AppName, new WordCountApp()), (IndexerApp.AppName, new IndexerApp()) };

        Console.WriteLine($"### 4. MapReduce: job wall time vs the single-threaded sequential implementation (same process and run)");
        Console.WriteLine();
        Console.WriteLine($"Samples: {inputs.Length} files ({inputs.Sum(f => new FileInfo(f).Length) / 1e6:0.0} MB), median of {repeat} runs, {Environment.ProcessorCount} cores, 10 reduce tasks.");
        Console.WriteLine();
        Console.WriteLine("| app | sequential (s) | silos | job (s) | job / sequential |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var wcRatios = new List<(int Silos, double Ratio)>();
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
                if (name == WordCountApp.AppName)
                {
                    wcRatios.Add((silos, median / sequential));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sequential:0.000} | {silos} | {median:0.000} | {median / sequential:0.00} |"));
            }
        }

        Console.WriteLine();
        foreach (var (silos, ratio) in wcRatios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- wc on the samples, {silos} silo(s): job / sequential = **{ratio:0.00}** (target ≤ 1): {(ratio <= 1 ? "met" : "not met")}"));
        }

        Console.WriteLine();
        if (largeMb > 0)
        {
            await RunLargeAsync(largeMb, inputs);
        }
    }

    /// <summary>A generated corpus of about <paramref name="megabytes"/> MB (the samples repeated into 16 files), word count only, one run each.</summary>
    private static async Task RunLargeAsync(int megabytes, string[] samples)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-corpus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var texts = samples.Select(File.ReadAllText).ToArray();
            var files = new List<string>();
            const int count = 16;
            var perFile = megabytes * 1_000_000L / count;
            for (var i = 0; i < count; i++)
            {
                var path = Path.Combine(dir, $"large-{i:00}.txt");
                await using (var writer = new StreamWriter(path))
                {
                    long written = 0;
                    for (var k = i; written < perFile; k++)
                    {
                        var text = texts[k % texts.Length];
                        await writer.WriteAsync(text);
                        written += text.Length;
                    }
                }

                files.Add(path);
            }

            var total = files.Sum(f => new FileInfo(f).Length) / 1e6;
            var app = new WordCountApp();
            var sequential = Time(() => SequentialMapReduce.Run(app, files.ToArray()));
            Console.WriteLine($"Generated corpus: {count} files, {total:0} MB (the samples repeated), word count, one run per row.");
            Console.WriteLine();
            Console.WriteLine("| app | input MB | sequential (s) | silos | job (s) | speed-up vs sequential |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var speedups = new List<(int Silos, double Speedup)>();
            foreach (var silos in new[] { 1, 2 })
            {
                await using var cluster = await BenchCluster.StartAsync(silos);
                var job = await RunJobAsync(cluster.Cluster, WordCountApp.AppName, files.ToArray(), cluster.Scratch);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| wc | {total:0} | {sequential:0.00} | {silos} | {job:0.00} | {sequential / job:0.00}× |"));
                speedups.Add((silos, sequential / job));
            }

            Console.WriteLine();
            var two = speedups.First(s => s.Silos == 2).Speedup;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- wc on the {total:0} MB corpus, 2 silos: **{two:0.00}×** faster than sequential (target ≥ 1.6×): {(two >= 1.6 ? "met" : "not met")}"));
            Console.WriteLine();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
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
