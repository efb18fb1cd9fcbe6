using System.Diagnostics;
using System.Text;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// The client console run as a user runs it: the built binary as a process on its embedded silo (state under
/// <paramref name="work"/>), its exit code, its stdout and stderr lines, and how long it took.
/// </summary>
public sealed class ClientCli(ITestOutputHelper log, TempDirectory work)
{
    /// <summary>An embedded silo starts in a few seconds; a whole command on a loaded machine stays well inside this.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Bad input is refused before any silo starts: far sooner than one could start.</summary>
    private static readonly TimeSpan Refusal = TimeSpan.FromSeconds(3);

    public static void AssertRefusedQuickly(Result result) =>
        Assert.True(result.Elapsed < Refusal, $"took {result.Elapsed.TotalSeconds:0.0} s: a silo was started before the input was checked");

    public static void AssertNoLogLinesOrTraces(Result result)
    {
        Assert.DoesNotContain(result.StdoutLines, l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("warn:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.StderrLines.Concat(result.StdoutLines), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    public static Dictionary<string, string> OutputsOf(string directory) =>
        Directory.GetFiles(directory, "mr-out-*").ToDictionary(p => Path.GetFileName(p), File.ReadAllText);

    /// <summary>Inputs large enough that a job runs for seconds: the samples repeated to the given size each.</summary>
    public string[] LargeInputs(int count, int megabytes)
    {
        var text = string.Concat(RepoPaths.SampleTexts.Select(File.ReadAllText));
        var paths = new string[count];
        for (var i = 0; i < count; i++)
        {
            paths[i] = work.Sub($"large-{i}.txt");
            using var writer = new StreamWriter(paths[i], append: false, new UTF8Encoding(false));
            for (long written = 0; written < megabytes * 1024L * 1024; written += text.Length)
            {
                writer.Write(text);
            }
        }

        return paths;
    }

    public ChildProcess Start(string[] arguments, string? dll = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(
            Path.GetFileNameWithoutExtension(dll ?? Binaries.ClientDll),
            dll ?? Binaries.ClientDll,
            dll is null && !arguments.Contains("--data-dir") ? ["--data-dir", work.Sub("data"), .. arguments] : arguments,
            work.Path,
            environment);

    public async Task<Result> RunAsync(string[] arguments, string? dll = null, string? stdin = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = Start(arguments, dll, environment);
        if (stdin is not null)
        {
            await process.WriteStdinAsync(stdin);
        }

        var exitCode = await process.WaitForExitAsync(CommandTimeout);
        var elapsed = clock.Elapsed;
        log.WriteLine($"{string.Join(' ', arguments.Select(a => a.Length > 80 ? a[..80] + "..." : a))} -> exit {exitCode} after {elapsed.TotalSeconds:0.00} s");
        foreach (var line in process.Lines.Take(40))
        {
            log.WriteLine($"  {(line.IsError ? "err" : "out")} {(line.Text.Length > 200 ? line.Text[..200] + "..." : line.Text)}");
        }

        var stdout = process.Lines.Where(l => !l.IsError).Select(l => l.Text).ToArray();
        var stderr = process.Lines.Where(l => l.IsError).Select(l => l.Text).ToArray();
        return new Result(exitCode, stdout, stderr, elapsed);
    }

    /// <summary>Writes what a process started with <see cref="Start"/> printed into the test's output.</summary>
    public void Log(ChildProcess process)
    {
        foreach (var line in process.Lines.Take(40))
        {
            log.WriteLine($"  {line}");
        }
    }

    /// <summary>A command's stdout exactly as written (no line splitting), for output whose last byte matters.</summary>
    public async Task<(int ExitCode, string Stdout)> RunRawAsync(string[] arguments)
    {
        var info = new ProcessStartInfo(Binaries.DotnetHost)
        {
            WorkingDirectory = work.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in (string[])[Binaries.ClientDll, "--data-dir", work.Sub("data"), .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("RaftOrleans__Redis");
        info.Environment.Remove("RaftOrleans__Cluster");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        log.WriteLine($"{string.Join(' ', arguments)} -> exit {process.ExitCode}; stderr: {await stderr}");
        return (process.ExitCode, await stdout);
    }

    public sealed record Result(int ExitCode, string[] StdoutLines, string[] StderrLines, TimeSpan Elapsed)
    {
        public string Stdout => string.Join('\n', StdoutLines);

        public string Stderr => string.Join('\n', StderrLines);
    }
}
