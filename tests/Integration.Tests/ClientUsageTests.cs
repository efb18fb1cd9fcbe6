using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// The client's usage as a newcomer meets it: bad numbers, names and paths refused in one line with exit code 2
/// before any silo starts (each naming what was wrong), misspelt commands and options answered with the nearest
/// name, help under the name users type.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientUsageTests : IDisposable
{
    private readonly TempDirectory _work = new("it-usage");
    private readonly ClientCli _cli;

    public ClientUsageTests(ITestOutputHelper log) => _cli = new ClientCli(log, _work);

    [Theory]
    [InlineData(new[] { "mr", "run", "wc", "{input}", "--task-timeout", "1e300" }, "--task-timeout must be a number above 0")]
    [InlineData(new[] { "mr", "run", "wc", "{input}", "--task-timeout", "NaN" }, "--task-timeout must be a number above 0")]
    [InlineData(new[] { "mr", "run", "wc", "{input}", "--split-mb", "1e300" }, "--split-mb must be a number above 0")]
    [InlineData(new[] { "mr", "run", "my app", "{input}" }, "App name 'my app'")]
    [InlineData(new[] { "mr", "status", "" }, "Job id '' must be")]
    [InlineData(new[] { "mr", "cancel", "a b" }, "Job id 'a b' must be")]
    [InlineData(new[] { "--data-dir", "{input}", "kv", "get", "k" }, "--data-dir '{input}' is a file")]
    [InlineData(new[] { "--data-dir", "/proc/raft-orleans-test", "kv", "get", "k" }, "--data-dir '/proc/raft-orleans-test' cannot be written")]
    [InlineData(new[] { "--cluster", "1.2.3:4x", "mr", "list" }, "--cluster: '1.2.3:4x' is not a gateway address")]
    [InlineData(new[] { "--cluster", "no-such-host.invalid:30000", "mr", "list" }, "--cluster: cannot resolve host 'no-such-host.invalid'")]
    [InlineData(new[] { "--dial-timeout", "-1", "--cluster", "localhost", "mr", "list" }, "--dial-timeout must be")]
    [InlineData(new[] { "kv", "--group", "", "get", "k" }, "--group '' must be")]
    [InlineData(new[] { "kv", "--group", "a/b", "get", "k" }, "--group 'a/b' must be")]
    [InlineData(new[] { "kv", "--command-timeout", "0", "get", "k" }, "--command-timeout must be")]
    public async Task BadInput_OneLineNamingIt_Exits2_BeforeAnySiloStarts(string[] arguments, string expected)
    {
        var input = _work.Sub("input.txt");
        await File.WriteAllTextAsync(input, "some words\n");
        var result = await _cli.RunAsync(arguments.Select(a => a.Replace("{input}", input, StringComparison.Ordinal)).ToArray());

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {expected.Replace("{input}", input, StringComparison.Ordinal)}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.Empty(result.StdoutLines);
        ClientCli.AssertRefusedQuickly(result);
    }

    [Theory]
    [InlineData(new[] { "mr", "rnu", "x" }, "Unknown command 'rnu' for 'raft-orleans mr'; did you mean 'run'?", "raft-orleans mr --help")]
    [InlineData(new[] { "kv", "gte", "k" }, "Unknown command 'gte' for 'raft-orleans kv'; did you mean 'get'?", "raft-orleans kv --help")]
    [InlineData(new[] { "kv", "get", "k", "--jsn" }, "Unknown option '--jsn' for 'raft-orleans kv get'; did you mean '--json'?", "raft-orleans kv get --help")]
    [InlineData(new[] { "mr", "frobnicate" }, "Unknown command 'frobnicate' for 'raft-orleans mr'; its commands are run, status, list, cancel.", "raft-orleans mr --help")]
    public async Task Misspelt_SaysTheNearestName_Exits2(string[] arguments, string error, string usage)
    {
        var result = await _cli.RunAsync(arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([$"error: {error}", $"Run '{usage}' for usage."], result.StderrLines);
        ClientCli.AssertRefusedQuickly(result);
    }

    [Fact]
    public async Task MisspeltOptionAmongInputs_SaysTheNearestName()
    {
        var input = _work.Sub("input.txt");
        await File.WriteAllTextAsync(input, "some words\n");
        var result = await _cli.RunAsync(["mr", "run", "wc", input, "--verbos"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("did you mean '--verbose'?", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_UnderTheToolsName_WithExitCodes_AndAsAVerb()
    {
        var root = await _cli.RunAsync(["--help"]);
        Assert.Equal(0, root.ExitCode);
        Assert.Contains(root.StdoutLines, l => l.Trim().StartsWith("raft-orleans [command] [options]", StringComparison.Ordinal));
        Assert.Contains("Exit codes: 0 done", root.Stdout, StringComparison.Ordinal);
        Assert.Contains("130 cancelled", root.Stdout, StringComparison.Ordinal);

        var verb = await _cli.RunAsync(["help", "mr", "run"]);
        var option = await _cli.RunAsync(["mr", "run", "--help"]);
        Assert.Equal(0, verb.ExitCode);
        Assert.Equal(option.StdoutLines, verb.StdoutLines);
        Assert.Contains(verb.StdoutLines, l => l.Trim().StartsWith("raft-orleans mr run <app> [<inputs>...] [options]", StringComparison.Ordinal));
        Assert.DoesNotContain("one map task each", verb.Stdout, StringComparison.Ordinal);
        Assert.Contains("directories", verb.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
