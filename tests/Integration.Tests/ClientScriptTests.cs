using System.Diagnostics;
using System.Runtime.Versioning;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// README's <c>./raft-orleans</c>: on a fresh checkout it says it is building before the long first build, it builds
/// again only when a source changed, and otherwise runs the client at once. Run against a stand-in <c>dotnet</c> that
/// records its calls, in a copy of the checkout's layout.
/// </summary>
[Trait("Category", "Integration")]
[SupportedOSPlatform("linux")]
public sealed class ClientScriptTests : IDisposable
{
    private readonly TempDirectory _work = new("it-script");

    [Fact]
    public async Task Script_SaysItBuildsFirst_BuildsOnlyAfterAChange_ElseRunsTheClientAtOnce()
    {
        var root = _work.Sub("checkout");
        Directory.CreateDirectory(Path.Combine(root, "src", "Client"));
        File.Copy(Path.Combine(RepoPaths.Root, "raft-orleans"), Path.Combine(root, "raft-orleans"));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "src/Client/Program.cs" })
        {
            await File.WriteAllTextAsync(Path.Combine(root, file), string.Empty);
        }

        // The stand-in: records each call; a build writes the client's binary.
        var bin = _work.Sub("bin");
        Directory.CreateDirectory(bin);
        var calls = _work.Sub("calls.log");
        await File.WriteAllTextAsync(Path.Combine(bin, "dotnet"), $"""
            #!/bin/sh
            echo "$*" >> '{calls}'
            if [ "$1" = build ]; then mkdir -p '{root}/src/Client/bin/Debug/net10.0' && touch '{root}/src/Client/bin/Debug/net10.0/raft-orleans.dll'; fi
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(Path.Combine(bin, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var first = await RunAsync(root, bin);
        Assert.Equal("Building the client (the first build restores packages: about 30 s)...", first.Split('\n')[0]);
        Assert.Equal(["build", "exec"], Calls());

        await File.WriteAllTextAsync(calls, string.Empty);
        Assert.Empty(await RunAsync(root, bin));
        Assert.Equal(["exec"], Calls());

        await File.WriteAllTextAsync(calls, string.Empty);
        File.SetLastWriteTimeUtc(Path.Combine(root, "src", "Client", "Program.cs"), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal("Building the client (a source changed)...", (await RunAsync(root, bin)).Split('\n')[0]);
        Assert.Equal(["build", "exec"], Calls());

        string[] Calls() => File.ReadAllLines(calls).Select(l => l.StartsWith("build ", StringComparison.Ordinal) ? "build" : l.EndsWith("raft-orleans.dll mr list", StringComparison.Ordinal) ? "exec" : l).ToArray();
    }

    public void Dispose() => _work.Dispose();

    /// <returns>What the script wrote to stderr.</returns>
    private static async Task<string> RunAsync(string root, string bin)
    {
        var info = new ProcessStartInfo(Path.Combine(root, "raft-orleans"), ["mr", "list"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["PATH"] = $"{bin}:/usr/bin:/bin";
        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return stderr.Trim();
    }
}
