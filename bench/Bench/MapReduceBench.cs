using System.Diagnostics;
using System.Globalization;
using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Apps;
using RaftOrleans.MapReduce.Execution;

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
                    job.Add((await RunJobAsync(cluster.Cluster, name, inputs, cluster.Scratch)).Seconds);
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

    /// <summary>
    /// One generated file of about <paramref name="megabytes"/> MB (the samples repeated), word count only, one run per
    /// row: the job on 1 and 2 silos (its input split into map tasks) next to the sequential implementation and a
    /// single-process count with no framework at all (what <c>tr | sort | uniq -c</c> computes).
    /// </summary>
    private static async Task RunLargeAsync(int megabytes, string[] samples)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"raft-orleans-bench-corpus-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var texts = samples.Select(File.ReadAllText).ToArray();
            var path = Path.Combine(dir, "large.txt");
            await using (var writer = new StreamWriter(path))
            {
                for (var (k, written) = (0, 0L); written < megabytes * 1_000_000L; k++)
                {
                    var text = texts[k % texts.Length];
                    await writer.WriteAsync(text);
                    written += text.Length;
                }
            }

            string[] files = [path];
            var total = new FileInfo(path).Length / 1e6;
            var app = new WordCountApp();
            var sequential = Time(() => SequentialMapReduce.Run(app, files));
            var counted = Time(() => CountWords(app, path));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Generated corpus: one file of {total:0} MB (the samples repeated), word count, one run per row; splits of 64 MiB (the default); the silos of a row are in one process, as in the table above. Sequential: {sequential:0.00} s; single-process count (a dictionary over the same words, no framework): {counted:0.00} s."));
            Console.WriteLine();
            Console.WriteLine("| app | input MB | silos | map tasks | job (s) | re-executions | backups | vs sequential | vs single-process count |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            var rows = new List<(int Silos, double Speedup, JobStatus Status)>();
            foreach (var silos in new[] { 1, 2 })
            {
                await using var cluster = await BenchCluster.StartAsync(silos);
                var (job, status) = await RunJobAsync(cluster.Cluster, WordCountApp.AppName, files, cluster.Scratch);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| wc | {total:0} | {silos} | {status.MapsTotal} | {job:0.00} | {status.ReExecutions} | {status.BackupLaunches} | {sequential / job:0.00}× faster | {counted / job:0.00}× |"));
                rows.Add((silos, sequential / job, status));
            }

            Console.WriteLine();
            var two = rows.First(r => r.Silos == 2);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- wc on the {total:0} MB file, 2 silos: **{two.Speedup:0.00}×** faster than sequential (target ≥ 1.6×): {(two.Speedup >= 1.6 ? "met" : "not met")}"));
            var oneFile = rows.All(r => r.Status.MapsTotal > 1 && r.Status.ReExecutions == 0 && r.Speedup > 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- one {total:0} MB file: more than one map task, 0 re-executions and faster than sequential on 1 and 2 silos (target): {(oneFile ? "met" : "not met")}"));
            Console.WriteLine();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The words of the file counted in one dictionary, in this thread: the floor a framework is measured against.</summary>
    private static int CountWords(IMapReduceApp app, string path)
    {
        var counts = new CountingOutput();
        app.Map(TaskContext.Sequential(TaskKind.Map), Path.GetFileName(path), File.ReadAllText(path), counts);
        return counts.Distinct;
    }

    private static async Task<(double Seconds, JobStatus Status)> RunJobAsync(TestCluster cluster, string app, string[] inputs, string scratch)
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

        return (seconds, status);
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
