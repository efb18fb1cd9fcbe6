using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RaftOrleans.Bench;

/// <summary>
/// Every table in one process and run, written to bench/RESULTS.md with the command and the machine; the closing
/// analysis is bench/analysis.md, included verbatim.
/// </summary>
internal static class AllBench
{
    public const string Command = "dotnet run -c Release --project bench/Bench -- all";

    public static async Task RunAsync(string[] args)
    {
        var root = MapReduceBench.RepoRoot();
        var original = Console.Out;
        var captured = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(new TeeWriter(original, captured));
        var clock = Stopwatch.StartNew();
        var timings = new List<string>();
        try
        {
            Console.WriteLine("# Benchmark results");
            Console.WriteLine();
            Console.WriteLine($"Reproduce: `{Command}` (from the repository root; about 18 minutes; it overwrites this file).");
            Console.WriteLine();
            Console.WriteLine($"Machine: {Machine()}. Run started {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
            Console.WriteLine();
            Console.WriteLine("The machine is a 2-core VM whose disk and CPU speed vary from run to run (see the load average; the benchmark " +
                              "itself oversubscribes the cores), so absolute figures are noisy; the ratios compare systems measured back to back in the same process.");
            Console.WriteLine();
            Console.WriteLine("## Tables");
            Console.WriteLine();
            foreach (var (name, suite, suiteArgs) in new (string, Func<string[], Task>, string[])[]
            {
                ("raft", RaftBench.RunAsync, ["--seconds", "2"]),
                ("persistence", PersistenceBench.RunAsync, []),
                ("election", ElectionBench.RunAsync, ["--trials", "100"]),
                ("mapreduce", MapReduceBench.RunAsync, ["5", "--large", "200"]),
                ("rpc", RpcBench.RunAsync, []),
                ("kv", KvBench.RunAsync, []),
            })
            {
                var start = clock.Elapsed;
                try
                {
                    await suite(suiteArgs);
                }
                catch (Exception e)
                {
                    Console.WriteLine($"**Suite `{name}` failed:** {e.GetType().Name}: {e.Message}");
                    Console.WriteLine();
                }

                timings.Add($"{name} {(clock.Elapsed - start).TotalSeconds:0} s");
                Console.Error.WriteLine($"[all] {name} done after {clock.Elapsed.TotalSeconds:0} s");
            }

            Console.WriteLine($"Suite times: {string.Join(", ", timings)}; load average at the end: {LoadAverage()}.");
            Console.WriteLine();
            var analysis = Path.Combine(root, "bench", "analysis.md");
            if (File.Exists(analysis))
            {
                Console.WriteLine(await File.ReadAllTextAsync(analysis));
            }
        }
        finally
        {
            Console.SetOut(original);
        }

        await File.WriteAllTextAsync(Path.Combine(root, "bench", "RESULTS.md"), captured.ToString());
        Console.WriteLine($"wrote bench/RESULTS.md in {clock.Elapsed.TotalMinutes:0.0} min");
    }

    private static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return $"`nproc` = {Environment.ProcessorCount}, CPU {cpu}, .NET {Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}), " +
               $"Server GC, storage on {DiskType()}, load average at start {LoadAverage()}";
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string DiskType()
    {
        var tmp = Path.GetTempPath();
        var best = File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).Where(p => p.Length > 2 && tmp.StartsWith(p[1], StringComparison.Ordinal)).MaxBy(p => p[1].Length);
        return best is null ? tmp : $"{tmp} ({best[2]} on {best[0]})";
    }

    private sealed class TeeWriter(TextWriter a, TextWriter b) : TextWriter
    {
        public override Encoding Encoding => a.Encoding;

        public override void Write(char value)
        {
            a.Write(value);
            b.Write(value);
        }

        public override void Write(string? value)
        {
            a.Write(value);
            b.Write(value);
        }

        public override void WriteLine(string? value)
        {
            a.WriteLine(value);
            b.WriteLine(value);
        }

        public override void Flush()
        {
            a.Flush();
            b.Flush();
        }
    }
}
