using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>A silo or client with a bad set-up stops at once with a clear message and a non-zero exit code.</summary>
[Trait("Category", "Integration")]
public sealed partial class BadConfigurationTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>"Fast": a bad set-up is reported well before anyone would wonder whether the silo hangs.</summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(15);

    /// <summary>The client tries a named cluster for 10 s before it says no silo answers.</summary>
    private static readonly TimeSpan ClientGivesUp = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _work = new("it-config");

    [Fact]
    public async Task Silo_UnreachableRedis_ExitsWithMessage()
    {
        var closedPort = FreePorts.Next();
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments($"--RaftOrleans:Redis=127.0.0.1:{closedPort}"));
        Assert.Equal(3, exitCode);
        Assert.Contains($"Redis at 127.0.0.1:{closedPort} is unreachable", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:6379,bogus=1", "is malformed")]
    [InlineData("127.0.0.1:notaport", "names no server")]
    public async Task Silo_MalformedRedis_ExitsWithMessage(string connectionString, string message)
    {
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments($"--RaftOrleans:Redis={connectionString}"));
        Assert.Equal(2, exitCode);
        Assert.Contains("RaftOrleans:Redis", stderr, StringComparison.Ordinal);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "Unknown setting 'bogus'.")]
    [InlineData("--RaftOrleans:FastFailureDetecton=true", "Unknown setting 'RaftOrleans:FastFailureDetecton'; did you mean 'RaftOrleans:FastFailureDetection'?")]
    [InlineData("--RaftOrleans:Raft:TickPeriodd=00:00:01", "Unknown setting 'RaftOrleans:Raft:TickPeriodd'; did you mean 'RaftOrleans:Raft:TickPeriod'?")]
    public async Task Silo_UnknownSetting_Exits2_NamingTheNearestKnownOne(string argument, string message)
    {
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments(argument));
        Assert.Equal(2, exitCode);
        Assert.Equal($"error: invalid configuration: {message} Run with --help for the settings.", stderr.Trim());
    }

    [Fact]
    public async Task Silo_PortInUse_ExitsWithMessage()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments($"--RaftOrleans:GatewayPort={port}"));
        Assert.Equal(3, exitCode);
        Assert.Contains($"port {port} (RaftOrleans:GatewayPort) on 127.0.0.1 is already in use", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_PortClaimedByAnotherSiloStartingAlongside_ExitsWithMessage()
    {
        // A silo that is starting holds its ports' lock files before it listens; one that finds a port's file
        // held must stop, since Orleans' listeners would let both bind the port.
        var port = FreePorts.Next();
        var lockFile = Path.Combine(Path.GetTempPath(), $"raft-orleans-port-{port}.lock");
        using (new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments($"--RaftOrleans:SiloPort={port}"));
            Assert.Equal(3, exitCode);
            Assert.Contains($"port {port} (RaftOrleans:SiloPort) is taken by another silo on this machine", stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Silo_InvalidPort_ExitsWithMessage()
    {
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments("--RaftOrleans:SiloPort=70000"));
        Assert.Equal(2, exitCode);
        Assert.Contains("RaftOrleans:SiloPort must be a TCP port, 1-65535 (was 70000)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--RaftOrleans:Raft:TickPeriod=fast", "RaftOrleans:Raft:TickPeriod")]
    [InlineData("--RaftOrleans:Raft:ElectionTicks=2", "RaftOrleans:Raft: Need 1 <= HeartbeatTicks < ElectionTicks (were 2, 2)")]
    [InlineData("--RaftOrleans:MapReduce:TaskTimeout=00:00:00", "RaftOrleans:MapReduce: TaskTimeout must be positive")]
    [InlineData("--RaftOrleans:KeyValue:MaxKeyLength=0", "RaftOrleans:KeyValue: MaxKeyLength and MaxScanLimit must be at least 1")]
    public async Task Silo_InvalidFeatureSetting_ExitsWithMessage_BeforeItStarts(string setting, string message)
    {
        var (exitCode, stderr) = await RunAsync(Binaries.SiloDll, SiloArguments(setting));
        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_UnreachableRedis_ExitsWithClusterUnavailable()
    {
        var closedPort = FreePorts.Next();
        var (exitCode, output) = await RunAsync(Binaries.ClientDll, ["--redis", $"127.0.0.1:{closedPort}", "mr", "status", "some-job"]);
        Assert.Equal(3, exitCode);
        Assert.Contains($"Redis at 127.0.0.1:{closedPort} is unreachable", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_MalformedRedis_ExitsWithInvalidInput()
    {
        var (exitCode, output) = await RunAsync(Binaries.ClientDll, ["--redis", "127.0.0.1:6379,bogus=1", "mr", "status", "some-job"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--redis: the Redis connection string '127.0.0.1:6379,bogus=1' is malformed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_NoSiloAtTheGateway_ExitsWithClusterUnavailable()
    {
        var closedPort = FreePorts.Next();
        var (exitCode, output) = await RunAsync(Binaries.ClientDll, ["--cluster", $"127.0.0.1:{closedPort}", "mr", "status", "some-job"], ClientGivesUp);
        Assert.Equal(3, exitCode);
        Assert.Contains($"Cannot reach the cluster at 127.0.0.1:{closedPort}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_NoSiloInRedis_ExitsWithClusterUnavailable()
    {
        var redis = TestRedis.ConnectionString;
        var clusterId = $"it-nobody-{Guid.NewGuid():N}";
        var (exitCode, output) = await RunAsync(Binaries.ClientDll, ["--redis", redis, "--cluster-id", clusterId, "mr", "status", "some-job"], ClientGivesUp);
        Assert.Equal(3, exitCode);
        Assert.Contains($"Cannot reach the cluster at Redis {redis} (ClusterId {clusterId})", output, StringComparison.Ordinal);
        Assert.Contains("Could not find any gateway", output, StringComparison.Ordinal);
        Assert.Contains($"no silo of ClusterId '{clusterId}' is registered there: is --cluster-id", output, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    private string[] SiloArguments(params string[] extra) =>
    [
        $"--RaftOrleans:SiloPort={FreePorts.Next()}",
        $"--RaftOrleans:GatewayPort={FreePorts.Next()}",
        $"--RaftOrleans:DataDirectory={_work.Sub("data")}",
        .. extra,
    ];

    /// <returns>The exit code, and everything the process wrote (the message may go to either stream).</returns>
    private async Task<(int ExitCode, string Output)> RunAsync(string dll, string[] arguments, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = ChildProcess.Start(Path.GetFileNameWithoutExtension(dll), dll, arguments, _work.Path);
        var exitCode = await process.WaitForExitAsync(timeout ?? Fast);
        log.WriteLine($"{string.Join(' ', arguments)} -> exit {exitCode} after {clock.Elapsed.TotalSeconds:0.00} s");
        var output = string.Join(Environment.NewLine, process.Lines.Select(l => l.Text));
        log.WriteLine(output);

        // The client's console wraps long lines at word boundaries: compare words, not line breaks.
        return (exitCode, WhiteSpace().Replace(output, " "));
    }
}
