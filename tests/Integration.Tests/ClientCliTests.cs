using System.Diagnostics;
using System.Text.Json;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// The client console as a user and a script meet it, on its embedded silo: Ctrl+C, output directories that must not
/// lose data, exit codes, clean streams (data on stdout, the rest on stderr, one line each), kv input and limits.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientCliTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = ClientCli.CommandTimeout;

    private readonly ITestOutputHelper _log;
    private readonly TempDirectory _work;
    private readonly ClientCli _cli;

    public ClientCliTests(ITestOutputHelper log)
    {
        _log = log;
        _work = new TempDirectory("it-cli");
        _cli = new ClientCli(log, _work);
    }

    [Fact]
    public async Task Run_Sigint_CancelsTheJobRemovesItsOutputsAndExits130()
    {
        var inputs = _cli.LargeInputs(4, megabytes: 24);
        var output = _work.Sub("out-cancel");
        using var client = _cli.Start(["mr", "run", "wc", .. inputs, "--output", output, "--job-id", "cancel-me"]);
        await client.WaitForLineAsync(l => l.StartsWith("mapping:", StringComparison.Ordinal), CommandTimeout, "the job's first progress line");

        client.Interrupt();
        Assert.Equal(130, await client.WaitForExitAsync(CommandTimeout));
        Assert.Contains(client.Lines, l => l.IsError && l.Text.Contains("Job cancel-me cancelled", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(output, "mr-out-*"));

        var status = await _cli.RunAsync(["mr", "status", "cancel-me", "--json"]);
        Assert.Equal(1, status.ExitCode);
        Assert.Equal("Cancelled", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Run_TwoSigints_ExitAtOnce()
    {
        var inputs = _cli.LargeInputs(4, megabytes: 24);
        using var client = _cli.Start(["mr", "run", "wc", .. inputs, "--output", _work.Sub("out-twice")]);
        await client.WaitForLineAsync(l => l.StartsWith("mapping:", StringComparison.Ordinal), CommandTimeout, "the job's first progress line");

        client.Interrupt();
        await client.WaitForLineAsync(l => l.StartsWith("Stopping...", StringComparison.Ordinal), CommandTimeout, "the first signal's acknowledgement");
        var clock = Stopwatch.StartNew();
        client.Interrupt();
        Assert.Equal(130, await client.WaitForExitAsync(CommandTimeout));
        _log.WriteLine($"exited {clock.Elapsed.TotalSeconds:0.00} s after the second SIGINT");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the second SIGINT took {clock.Elapsed.TotalSeconds:0.0} s to end the client");
    }

    [Fact]
    public async Task Run_InputsNamedLikeOutputsInTheOutputDirectory_RefusedAndNothingDeleted()
    {
        var directory = _work.Sub("same-dir");
        Directory.CreateDirectory(directory);
        var inputs = Enumerable.Range(0, 2).Select(i => Path.Combine(directory, $"mr-out-{i}")).ToArray();
        foreach (var (input, i) in inputs.Select((p, i) => (p, i)))
        {
            File.Copy(RepoPaths.SampleTexts[i], input);
        }

        foreach (var flags in new[] { Array.Empty<string>(), ["--overwrite"] })
        {
            var result = await _cli.RunAsync(["mr", "run", "wc", .. inputs, "--output", directory, .. flags]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("would be replaced by this job's output mr-out-0", result.Stderr, StringComparison.Ordinal);
            ClientCli.AssertRefusedQuickly(result);
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(File.ReadAllBytes(RepoPaths.SampleTexts[i]), File.ReadAllBytes(inputs[i]));
        }
    }

    [Fact]
    public async Task Run_SecondJobIntoAFinishedJobsDirectory_RefusedUnlessOverwrite()
    {
        var output = _work.Sub("shared-out");
        var first = await _cli.RunAsync(["mr", "run", "wc", RepoPaths.SampleTexts[0], "--output", output, "--job-id", "first", "--top", "0"]);
        Assert.Equal(0, first.ExitCode);
        var firstOutputs = ClientCli.OutputsOf(output);

        var second = await _cli.RunAsync(["mr", "run", "wc", RepoPaths.SampleTexts[1], "--output", output, "--job-id", "second", "--top", "0"]);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("holds the outputs of job 'first'", second.Stderr, StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(second);
        Assert.Equal(firstOutputs, ClientCli.OutputsOf(output));

        var replaced = await _cli.RunAsync(["mr", "run", "wc", RepoPaths.SampleTexts[1], "--output", output, "--job-id", "second", "--top", "0", "--overwrite"]);
        Assert.Equal(0, replaced.ExitCode);
        Assert.Equal(WordCount.SequentialLines([RepoPaths.SampleTexts[1]]), WordCount.OutputLines(output));

        // The first job no longer claims outputs that are not its own.
        var status = await _cli.RunAsync(["mr", "status", "first", "--json"]);
        var json = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal(0, json.GetProperty("outputFiles").GetArrayLength());
        Assert.Contains("replaced by job 'second'", json.GetProperty("error").GetString(), StringComparison.Ordinal);

        var list = await _cli.RunAsync(["mr", "list", "--json"]);
        var jobs = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("jobId").GetString() ?? string.Empty).ToArray();
        Assert.Equal(["first", "second"], jobs);
    }

    [Theory]
    [InlineData(new[] { "mr", "run", "wc", "--reduce", "abc", "x" }, "abc")]
    [InlineData(new[] { "mr", "run", "wc", "--no-such-flag" }, "--no-such-flag")]
    [InlineData(new[] { "mr", "frobnicate" }, "frobnicate")]
    public async Task ParseError_OneLineOnStderr_Exits2(string[] arguments, string named)
    {
        var result = await _cli.RunAsync(arguments);
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.All(result.StderrLines[..^1], l => Assert.StartsWith("error: ", l, StringComparison.Ordinal));
        Assert.Contains(result.StderrLines, l => l.Contains(named, StringComparison.Ordinal));
        Assert.Contains("--help", result.StderrLines[^1], StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(result);
    }

    [Fact]
    public async Task Run_MissingInput_RefusedBeforeAnySiloStarts()
    {
        var missing = await _cli.RunAsync(["mr", "run", "wc", _work.Sub("nope.txt")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(missing);
    }

    [Fact]
    public async Task Kv_DataOnStdoutOnly_ValuesFromStdinAndFile_LimitsOnTheResult()
    {
        var large = new string('v', 200 * 1024);
        var fromStdin = _cli.Start(["kv", "put", "big", "-"]);
        await fromStdin.WriteStdinAsync(large);
        Assert.Equal(0, await fromStdin.WaitForExitAsync(CommandTimeout));
        Assert.Equal(["OK"], fromStdin.Lines.Where(l => !l.IsError).Select(l => l.Text));

        var get = await _cli.RunAsync(["kv", "get", "big"]);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal(large, get.Stdout.TrimEnd('\n'));
        ClientCli.AssertNoLogLinesOrTraces(get);

        var file = _work.Sub("value.txt");
        await File.WriteAllTextAsync(file, new string('w', 900 * 1024));
        var put = await _cli.RunAsync(["kv", "--quiet", "put", "big", "--value-file", file]);
        Assert.Equal(0, put.ExitCode);
        Assert.Empty(put.Stdout);

        // 900 KiB + 200 KiB would pass the 1 MiB limit: refused, and the value stays as it was.
        var append = _cli.RunAsync(["kv", "append", "big", "-"], stdin: large);
        var appended = await append;
        Assert.Equal(2, appended.ExitCode);
        Assert.Contains("would be 1126400 characters long", appended.Stderr, StringComparison.Ordinal);
        Assert.Equal(900 * 1024, (await _cli.RunAsync(["kv", "get", "big"])).Stdout.TrimEnd('\n').Length);
    }

    [Fact]
    public async Task Kv_DelCasScan_AnswerOnStdout_CasMismatchExits1()
    {
        foreach (var (key, value) in new[] { ("user/1", "ann"), ("user/2", "bob"), ("zz", "other") })
        {
            Assert.Equal(0, (await _cli.RunAsync(["kv", "--quiet", "put", key, value])).ExitCode);
        }

        var mismatch = await _cli.RunAsync(["kv", "cas", "user/1", "nobody", "eve"]);
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Equal(["ann"], mismatch.StdoutLines);
        Assert.Contains("holds another value", mismatch.Stderr, StringComparison.Ordinal);

        var swapped = await _cli.RunAsync(["kv", "cas", "user/1", "ann", "amy"]);
        Assert.Equal(0, swapped.ExitCode);
        Assert.Equal(["OK"], swapped.StdoutLines);
        Assert.Equal(0, (await _cli.RunAsync(["kv", "del", "user/2"])).ExitCode);

        var scan = await _cli.RunAsync(["kv", "scan", "user/"]);
        Assert.Equal(0, scan.ExitCode);
        Assert.Equal(["user/1\tamy"], scan.StdoutLines);
        var json = JsonDocument.Parse((await _cli.RunAsync(["kv", "scan", "--json", "--limit", "1"])).Stdout).RootElement;
        Assert.Equal("user/1", json[0].GetProperty("key").GetString());
        Assert.Equal(1, json.GetArrayLength());
    }

    [Fact]
    public async Task Kv_GetWritesTheValueExactly_ScanEscapesSeparators_NoLogLines()
    {
        const string value = "tab\there\nnext line\\ and a backslash";
        var put = await _cli.RunAsync(["kv", "put", "odd\tkey", "-"], stdin: value);
        Assert.Equal(0, put.ExitCode);

        var (exitCode, stdout) = await _cli.RunRawAsync(["kv", "get", "odd\tkey"]);
        Assert.Equal(0, exitCode);
        Assert.Equal(value, stdout);

        var scan = await _cli.RunAsync(["kv", "scan", "odd"]);
        Assert.Equal(0, scan.ExitCode);
        Assert.Equal(["odd\\tkey\ttab\\there\\nnext line\\\\ and a backslash"], scan.StdoutLines);

        // A successful command on an embedded silo: its start, and nothing of Orleans' own logging.
        Assert.StartsWith("Starting an embedded silo (", Assert.Single(scan.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kv_MoveLeader_HandsTheGroupToThePeerNamed()
    {
        // Each command's embedded silo elects anew; move-leader answers once the peer named leads.
        Assert.Equal(0, (await _cli.RunAsync(["kv", "--quiet", "put", "k", "v"])).ExitCode);
        foreach (var peer in new[] { "p2", "p0" })
        {
            var moved = await _cli.RunAsync(["kv", "move-leader", peer, "--json"]);
            Assert.Equal(0, moved.ExitCode);
            Assert.Equal(peer, JsonDocument.Parse(moved.Stdout).RootElement.GetProperty("leader").GetString());
        }

        var unknown = await _cli.RunAsync(["kv", "move-leader", "p7"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("error: 'p7' is no voter of group 'kv' (voters p0,p1,p2).", unknown.StderrLines[^1]);
    }

    [Fact]
    public async Task Kv_Members_TheGroupChangesShapeAndMovesOffItsFounders_AndTheClientFollowsIt()
    {
        Assert.Equal(0, (await _cli.RunAsync(["kv", "--quiet", "put", "k", "v"])).ExitCode);
        var members = JsonDocument.Parse((await _cli.RunAsync(["kv", "members", "--json"])).Stdout).RootElement;
        Assert.Equal("voters p0,p1,p2", members.GetProperty("configuration").GetString());
        Assert.Single(members.GetProperty("members").EnumerateArray(), m => m.GetProperty("leader").GetBoolean());

        await ExpectAsync(["members", "add", "p3"], 0, "p3 is a voter of group 'kv' (voters p0,p1,p2,p3)");
        await ExpectAsync(["members", "add", "p4", "--learner"], 0, "p4 is a learner of group 'kv' (voters p0,p1,p2,p3 learners p4)");
        await ExpectAsync(["members", "add", "p3"], 2, "error: Group 'kv' refused: p3 is a voter already.");
        await ExpectAsync(["members", "remove", "p9"], 2, "error: Group 'kv' refused: p9 is not a member.");
        await ExpectAsync(["members", "add", "a/b"], 2, "error: Peer id 'a/b' must be 1-64 characters of letters, digits, '.', '_' or '-'.");
        await ExpectAsync(["members", "replace", "p0", "p5"], 0, "p5 replaced p0 in group 'kv' (voters p1,p2,p3,p5 learners p4)");
        await ExpectAsync(["members", "remove", "p1"], 0, "p1 left group 'kv' (voters p2,p3,p5 learners p4)");
        await ExpectAsync(["members", "remove", "p2"], 0, "p2 left group 'kv' (voters p3,p5 learners p4)");
        await ExpectAsync(["members", "add", "p0"], 2, "error: Group 'kv' refused: Raft peer 'kv/p0' left group 'kv' before; a removed peer's id is not used again: add another.");
        await ExpectAsync(["members", "remove", "p3"], 2, "error: Group 'kv' refused: removing p3 would leave one voter; add a voter first.");
        await ExpectAsync(["leader", "transfer", "p5"], 0, "p5 leads group 'kv' in term ");

        // The client is told of p0..p2 only (--peers 3), all gone: the peers that left send it on.
        var (exitCode, stdout) = await _cli.RunRawAsync(["kv", "get", "k"]);
        Assert.Equal((0, "v"), (exitCode, stdout));
        var peers = await _cli.RunAsync(["kv", "peers"]);
        Assert.Equal(["p3", "p4", "p5"], peers.StdoutLines.Skip(1).Select(l => l.Split(' ')[0]));
        var roles = JsonDocument.Parse((await _cli.RunAsync(["kv", "members", "--json"])).Stdout).RootElement.GetProperty("members")
            .EnumerateArray().Select(m => $"{m.GetProperty("peer").GetString()} {m.GetProperty("role").GetString()}");
        Assert.Equal(["p3 voter", "p4 learner", "p5 voter"], roles);
    }

    /// <summary>Runs <c>kv</c> with <paramref name="args"/>: its exit code, and its one line (stdout, or stderr's last) starting as given.</summary>
    private async Task ExpectAsync(string[] args, int exitCode, string line)
    {
        var result = await _cli.RunAsync(["kv", .. args]);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith(line, exitCode == 0 ? Assert.Single(result.StdoutLines) : result.StderrLines[^1], StringComparison.Ordinal);
        ClientCli.AssertNoLogLinesOrTraces(result);
    }

    [Fact]
    public async Task Kv_PeersOfAnotherGroupSize_Exits2WithOneLine()
    {
        Assert.Equal(0, (await _cli.RunAsync(["kv", "put", "k", "v"])).ExitCode);
        var result = await _cli.RunAsync(["kv", "--peers", "5", "get", "k"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("give its own --peers", result.Stderr, StringComparison.Ordinal);
        ClientCli.AssertNoLogLinesOrTraces(result);
    }

    [Fact]
    public async Task Client_RedisFromTheEnvironment_IsUsed()
    {
        var closedPort = FreePorts.Next();
        var result = await _cli.RunAsync(["mr", "status", "x"], environment: new Dictionary<string, string?> { ["RaftOrleans__Redis"] = $"127.0.0.1:{closedPort}" });
        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"Redis at 127.0.0.1:{closedPort} is unreachable", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_Detach_PrintsTheId_TheJobIsOrphanedWithItsClient_AndResumesWhenResubmitted()
    {
        // Inputs that take seconds to map: the detached client's embedded silo stops long before the job is done.
        var inputs = _cli.LargeInputs(3, megabytes: 16);
        string[] run = ["mr", "run", "wc", .. inputs, "--output", _work.Sub("out-detach"), "--job-id", "detached", "--top", "0"];
        var detached = await _cli.RunAsync([.. run, "--detach"]);
        Assert.Equal(0, detached.ExitCode);
        Assert.Equal("detached", detached.Stdout.Trim());

        var orphaned = await _cli.RunAsync(["mr", "status", "detached", "--json"]);
        Assert.Equal(0, orphaned.ExitCode);
        var status = JsonDocument.Parse(orphaned.Stdout).RootElement;
        Assert.True(status.GetProperty("orphaned").GetBoolean(), status.ToString());
        Assert.Contains("orphaned", (await _cli.RunAsync(["mr", "list"])).Stdout, StringComparison.Ordinal);

        Assert.Equal(0, (await _cli.RunAsync(run)).ExitCode);
        var watched = await _cli.RunAsync(["mr", "status", "detached", "--watch"]);
        Assert.Equal(0, watched.ExitCode);
        Assert.Contains("state         Completed", watched.Stdout, StringComparison.Ordinal);
        Assert.Equal(WordCount.SequentialLines(inputs), WordCount.OutputLines(_work.Sub("out-detach")));
    }

    [Fact]
    public async Task Silo_Help_PrintsUsageAndExits0_BadNumber_Exits2WithOneLine()
    {
        var help = await _cli.RunAsync(["--help"], Binaries.SiloDll);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes:", help.Stdout, StringComparison.Ordinal);
        ClientCli.AssertRefusedQuickly(help);

        var bad = await _cli.RunAsync([$"--RaftOrleans:DataDirectory={_work.Sub("silo-data")}", "--RaftOrleans:SiloPort=abc"], Binaries.SiloDll);
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.StderrLines);
        Assert.Contains("RaftOrleans:SiloPort", bad.Stderr, StringComparison.Ordinal);
        ClientCli.AssertNoLogLinesOrTraces(bad);
    }

    public void Dispose() => _work.Dispose();
}
