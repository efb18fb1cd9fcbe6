using RaftOrleans.Integration.Tests.Infrastructure;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Integration.Tests;

/// <summary>
/// A client of a cluster named by its gateways: it goes on through another silo when the one gateway it was given
/// dies (and says so), is told to check its ClusterId when a silo refuses it, and takes host names.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClientGatewayTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory _work = new("it-gateway");

    [Fact]
    public async Task Run_TheOnlyNamedGatewayDies_TheClientGoesOnThroughAnotherSilo_AndSaysSo()
    {
        using var cluster = new SiloProcessCluster("it-gateway", _work.Path, redis: null, log, "--RaftOrleans:FastFailureDetection=true");
        var silos = await cluster.StartSilosAsync(2);
        var cli = new ClientCli(log, _work);
        var inputs = cli.LargeInputs(4, megabytes: 16);
        using var client = ChildProcess.Start(
            "client",
            Binaries.ClientDll,
            ["--cluster", silos[0].Gateway, "--cluster-id", cluster.ClusterId, "--service-id", cluster.ServiceId, "mr", "run", "wc", .. inputs, "--output", _work.Sub("out"), "--top", "0"],
            _work.Path);
        await client.WaitForLineAsync(l => l.StartsWith("mapping:", StringComparison.Ordinal), SiloProcessCluster.StartTimeout, "the job's first progress line");

        silos[0].Process.Kill();
        var killedAt = DateTime.UtcNow;
        var exitCode = await client.WaitForExitAsync(TimeSpan.FromMinutes(2));
        cli.Log(client);
        Assert.Equal(0, exitCode);
        var warning = client.Lines.First(l => l.Text.StartsWith("warning: Lost", StringComparison.Ordinal));
        log.WriteLine($"said so {(warning.At - killedAt).TotalSeconds:0.00} s after the kill; done {(client.Lines[^1].At - killedAt).TotalSeconds:0.0} s after it");
        Assert.True(warning.At - killedAt < TimeSpan.FromSeconds(5), $"the client said it lost its gateway {(warning.At - killedAt).TotalSeconds:0.0} s after the kill");
        Assert.Equal(WordCount.SequentialLines(inputs), WordCount.OutputLines(_work.Sub("out")));
    }

    [Fact]
    public async Task Client_WrongClusterId_IsToldToCheckIt_HostNamesWork()
    {
        using var cluster = new SiloProcessCluster("it-gateway-id", _work.Path, redis: null, log);
        var silo = await cluster.StartSiloAsync();

        using var wrong = ChildProcess.Start("client", Binaries.ClientDll, ["--cluster", silo.Gateway, "--cluster-id", "not-the-silos", "--dial-timeout", "3", "mr", "list"], _work.Path);
        Assert.Equal(3, await wrong.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(wrong.Lines, l => l.Text.Contains("a silo listens there but refused this client: are --cluster-id 'not-the-silos'", StringComparison.Ordinal));

        using var byName = ChildProcess.Start("client", Binaries.ClientDll, ["--cluster", $"localhost:{silo.GatewayPort}", "--cluster-id", cluster.ClusterId, "--service-id", cluster.ServiceId, "mr", "list"], _work.Path);
        Assert.Equal(0, await byName.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Kv_TheClustersRedisIsDown_TheTimeoutSaysTheStorageDoesNotAnswer()
    {
        var port = FreePorts.Next();
        using var redis = ChildProcess.StartProgram("redis", "redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], _work.Path);
        await redis.WaitForLineAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "Redis ready");
        using var cluster = new SiloProcessCluster("it-gateway-redis", _work.Path, $"127.0.0.1:{port}", log);
        var silo = await cluster.StartSiloAsync();
        string[] target = ["--cluster", silo.Gateway, "--cluster-id", cluster.ClusterId, "--service-id", cluster.ServiceId];
        using (var put = ChildProcess.Start("put", Binaries.ClientDll, [.. target, "kv", "put", "k", "v"], _work.Path))
        {
            Assert.Equal(0, await put.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        redis.Kill();
        using var get = ChildProcess.Start("get", Binaries.ClientDll, [.. target, "kv", "get", "k", "--command-timeout", "5"], _work.Path);
        Assert.Equal(3, await get.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var error = Assert.Single(get.Lines, l => l.IsError).Text;
        Assert.StartsWith("error: Group 'kv' did not answer within 5 s (the Raft storage (Redis) of silo ", error, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();
}
