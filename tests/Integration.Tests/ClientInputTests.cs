using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// What <c>mr run</c> takes as input: files, directories and glob patterns expanded to regular files; FIFOs refused
/// without blocking on them, <c>/dev/stdin</c> read as the file behind it, names the outputs could not carry refused,
/// input that is not UTF-8 reported with its file and offset; progress that says how far each phase is.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class ClientInputTests : IDisposable
{
    private readonly TempDirectory _work = new("it-inputs");
    private readonly ClientCli _cli;

    public ClientInputTests(ITestOutputHelper log) => _cli = new ClientCli(log, _work);

    [Fact]
    public async Task Run_Fifo_RefusedWithoutWaitingForAWriter()
    {
        var fifo = _work.Sub("a-fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var result = await _cli.RunAsync(["mr", "run", "wc", fifo]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: Input '{fifo}' is a FIFO (pipe); inputs must be regular files", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(result);
    }

    [Fact]
    public async Task Run_DevStdin_IsTheFileBehindIt_OrRefusedWhenAPipe()
    {
        var input = _work.Sub("words.txt");
        await File.WriteAllTextAsync(input, "one two two\nthree three three\n");

        // Through a shell, so that the client's stdin is the file itself, not a pipe from the test.
        using var fromFile = ChildProcess.StartProgram(
            "client",
            "/bin/sh",
            ["-c", $"exec \"$0\" \"$1\" --data-dir \"$2\" mr run wc /dev/stdin --output \"$3\" --json < \"$4\"", Binaries.DotnetHost, Binaries.ClientDll, _work.Sub("data"), _work.Sub("out-stdin"), input],
            _work.Path);
        Assert.Equal(0, await fromFile.WaitForExitAsync(ClientCli.CommandTimeout));
        var status = JsonDocument.Parse(string.Join('\n', fromFile.Lines.Where(l => !l.IsError).Select(l => l.Text))).RootElement;
        Assert.Equal(new FileInfo(input).Length, status.GetProperty("counters").GetProperty("input bytes").GetInt64());
        Assert.Equal(WordCount.SequentialLines([input]), WordCount.OutputLines(_work.Sub("out-stdin")));

        var fromPipe = await _cli.RunAsync(["mr", "run", "wc", "/dev/stdin"], stdin: "one two\n");
        Assert.Equal(2, fromPipe.ExitCode);
        Assert.Contains("is a FIFO (pipe)", Assert.Single(fromPipe.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FileNameWithALineBreak_Refused()
    {
        var input = _work.Sub("two\nlines.txt");
        await File.WriteAllTextAsync(input, "words\n");

        var result = await _cli.RunAsync(["mr", "run", "indexer", input]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("two\\x0alines.txt' holds a line break", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(result);
    }

    [Fact]
    public async Task Run_DirectoryAndGlob_AreTheirRegularFilesSorted_ProgressSaysHowFar()
    {
        var directory = _work.Sub("texts");
        Directory.CreateDirectory(Path.Combine(directory, "nested"));
        var files = RepoPaths.SampleTexts.Take(3).Select(source => Path.Combine(directory, Path.GetFileName(source))).ToArray();
        foreach (var (source, copy) in RepoPaths.SampleTexts.Zip(files))
        {
            File.Copy(source, copy);
        }

        await File.WriteAllTextAsync(Path.Combine(directory, ".hidden"), "not an input\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "nested", "deeper.txt"), "not an input either\n");
        var expected = WordCount.SequentialLines(files.Order(StringComparer.Ordinal));

        var fromDirectory = await _cli.RunAsync(["mr", "run", "wc", directory, "--output", _work.Sub("out-dir"), "--job-id", "from-dir", "--top", "0"]);
        Assert.Equal(0, fromDirectory.ExitCode);
        Assert.Equal(expected, WordCount.OutputLines(_work.Sub("out-dir")));
        Assert.Contains(fromDirectory.StderrLines, l => l.StartsWith("Job from-dir: wc over 3 files (3 map tasks)", StringComparison.Ordinal));

        // Each progress line's percentages are its own counts' (a bar once drew 100% at 4 of 8).
        var progress = fromDirectory.StderrLines.Select(l => ProgressLine().Match(l)).Where(m => m.Success).ToList();
        Assert.NotEmpty(progress);
        foreach (var line in progress)
        {
            foreach (var phase in new[] { "map", "reduce" })
            {
                var (done, total, percent) = (int.Parse(line.Groups[$"{phase}Done"].Value), int.Parse(line.Groups[$"{phase}Total"].Value), int.Parse(line.Groups[$"{phase}Percent"].Value));
                Assert.Equal(total == 0 ? 0 : done * 100 / total, percent);
            }
        }

        var fromGlob = await _cli.RunAsync(["mr", "run", "wc", Path.Combine(directory, "*.txt"), "--output", _work.Sub("out-glob"), "--top", "0"]);
        Assert.Equal(0, fromGlob.ExitCode);
        Assert.Equal(expected, WordCount.OutputLines(_work.Sub("out-glob")));

        var nothing = await _cli.RunAsync(["mr", "run", "wc", Path.Combine(directory, "*.csv")]);
        Assert.Equal(2, nothing.ExitCode);
        Assert.Equal($"error: No file matches '{Path.Combine(directory, "*.csv")}'.", Assert.Single(nothing.StderrLines));

        var empty = _work.Sub("empty");
        Directory.CreateDirectory(empty);
        var none = await _cli.RunAsync(["mr", "run", "wc", empty]);
        Assert.Equal(2, none.ExitCode);
        Assert.Equal($"error: Directory '{empty}' holds no input files.", Assert.Single(none.StderrLines));
        ClientCli.AssertRefusedQuickly(none);
    }

    [Fact]
    public async Task Run_InputNotUtf8_WarnsWithTheFileAndTheByteOffset()
    {
        var input = _work.Sub("latin1.txt");
        await File.WriteAllBytesAsync(input, [.. Encoding.ASCII.GetBytes("plain words\ncaf"), 0xE9, .. Encoding.ASCII.GetBytes(" ok\n")]);

        var result = await _cli.RunAsync(["mr", "run", "wc", input, "--top", "0", "--output", _work.Sub("out-latin1")]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"warning: Input '{input}' is not UTF-8 at byte 15;", result.Stderr, StringComparison.Ordinal);

        var clean = await _cli.RunAsync(["mr", "run", "wc", RepoPaths.SampleTexts[0], "--top", "0", "--output", _work.Sub("out-clean")]);
        Assert.Equal(0, clean.ExitCode);
        Assert.DoesNotContain(clean.StderrLines, l => l.StartsWith("warning:", StringComparison.Ordinal));
    }

    public void Dispose() => _work.Dispose();

    [GeneratedRegex(@"^\w+: map (?<mapDone>\d+)/(?<mapTotal>\d+) \((?<mapPercent>\d+)%\), reduce (?<reduceDone>\d+)/(?<reduceTotal>\d+) \((?<reducePercent>\d+)%\)$")]
    private static partial Regex ProgressLine();
}
