using System.Text.Json;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// Who owns a job submitted through an embedded silo, as a second client sees it: a job whose client is stopped
/// during submission ends cancelled; a job whose client still runs is shown running there (not orphaned, not taken
/// over, cancelled only there); a resubmission from another directory is told which output directory the job has.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientJobOwnershipTests : IDisposable
{
    private readonly TempDirectory _work = new("it-owner");
    private readonly ClientCli _cli;

    public ClientJobOwnershipTests(ITestOutputHelper log) => _cli = new ClientCli(log, _work);

    [Fact]
    public async Task Run_SigtermDuringSubmission_TheJobEndsCancelledOrWasNeverSubmitted()
    {
        // Splits of 64 KiB: the submission (splitting, storing hundreds of tasks, starting them) takes a while.
        var inputs = _cli.LargeInputs(1, megabytes: 12);
        using var client = _cli.Start(["mr", "run", "wc", .. inputs, "--split-mb", "0.0625", "--job-id", "stopped-early", "--output", _work.Sub("out-early")]);
        await client.WaitForLineAsync(l => l.StartsWith("Submitting job stopped-early", StringComparison.Ordinal), ClientCli.CommandTimeout, "the submission's start");
        client.Terminate();

        Assert.Equal(130, await client.WaitForExitAsync(ClientCli.CommandTimeout));
        _cli.Log(client);
        var said = client.Lines.Last(l => l.IsError).Text;
        Assert.True(
            said is "error: Job stopped-early cancelled; the outputs it had committed were removed." or "error: Job stopped-early was not submitted; nothing runs.",
            said);

        var status = await _cli.RunAsync(["mr", "status", "stopped-early", "--json"]);
        if (said.Contains("not submitted", StringComparison.Ordinal))
        {
            Assert.Equal(2, status.ExitCode);
        }
        else
        {
            Assert.Equal(1, status.ExitCode);
            Assert.Equal("Cancelled", JsonDocument.Parse(status.Stdout).RootElement.GetProperty("phase").GetString());
            Assert.Empty(Directory.GetFiles(_work.Sub("out-early"), "mr-out-*"));
        }
    }

    [Fact]
    public async Task SecondClient_SeesALiveJobRunningInTheFirst_NotOrphaned_AndCannotTakeItOver()
    {
        // About 300 MB: the job runs for half a minute, far longer than the three commands below take (with 96 MB it
        // once completed before the third); the first client cancels it at the end.
        var inputs = _cli.LargeInputs(6, megabytes: 48);
        string[] run = ["mr", "run", "wc", .. inputs, "--job-id", "busy", "--output", _work.Sub("out-busy"), "--top", "0"];
        using var first = _cli.Start(run);
        await first.WaitForLineAsync(l => l.StartsWith("mapping:", StringComparison.Ordinal), ClientCli.CommandTimeout, "the job's first progress line");

        var status = await _cli.RunAsync(["mr", "status", "busy", "--json"]);
        Assert.Equal(0, status.ExitCode);
        var json = JsonDocument.Parse(status.Stdout).RootElement;
        if (json.GetProperty("phase").GetString() is "Completed")
        {
            Assert.Fail("the job ended before the second client looked at it: give it more input");
        }

        Assert.False(json.GetProperty("orphaned").GetBoolean(), json.ToString());
        Assert.Equal(first.Id, json.GetProperty("runsInClientProcess").GetInt32());
        Assert.True(json.TryGetProperty("backupLaunches", out _), json.ToString());
        Assert.Contains($"(on the embedded silo of client process {first.Id})", (await _cli.RunAsync(["mr", "list"])).Stdout, StringComparison.Ordinal);

        var takeOver = await _cli.RunAsync(run);
        Assert.Equal(2, takeOver.ExitCode);
        Assert.Contains($"runs on the embedded silo of client process {first.Id}", takeOver.Stderr, StringComparison.Ordinal);
        var cancel = await _cli.RunAsync(["mr", "cancel", "busy"]);
        Assert.Equal(2, cancel.ExitCode);
        Assert.Contains($"kill {first.Id}", cancel.Stderr, StringComparison.Ordinal);

        // The first client still owns it: Ctrl+C there cancels it.
        first.Interrupt();
        Assert.Equal(130, await first.WaitForExitAsync(ClientCli.CommandTimeout));
        Assert.Contains(first.Lines, l => l.Text == "error: Job busy cancelled; the outputs it had committed were removed.");
    }

    [Fact]
    public async Task Resubmit_FromAnotherDirectory_SaysWhichOutputDirectoryTheJobHas()
    {
        var first = await _cli.RunAsync(["mr", "run", "wc", RepoPaths.SampleTexts[0], "--job-id", "here", "--top", "0"]);
        Assert.Equal(0, first.ExitCode);

        var elsewhere = _work.Sub("elsewhere");
        Directory.CreateDirectory(elsewhere);
        using var again = ChildProcess.Start("client", Binaries.ClientDll, ["--data-dir", _work.Sub("data"), "mr", "run", "wc", RepoPaths.SampleTexts[0], "--job-id", "here"], elsewhere);
        Assert.Equal(2, await again.WaitForExitAsync(ClientCli.CommandTimeout));
        var error = again.Lines.Last(l => l.IsError).Text;
        Assert.Contains($"its output directory is '{Path.Combine(_work.Path, "out", "here")}', not '{Path.Combine(elsewhere, "out", "here")}'", error, StringComparison.Ordinal);
        Assert.Contains("pass --output", error, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
