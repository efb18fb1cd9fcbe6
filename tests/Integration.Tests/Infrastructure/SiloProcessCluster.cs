using System.Globalization;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// A cluster of real silo processes on this machine: on the embedded SQLite stores, membership table included
/// (<paramref name="redis"/> null), or on Redis (clustering, storage, reminders). Its ClusterId is its own, so clusters of other tests never meet it. Disposing kills
/// what still runs and writes every process's output to the test log.
/// </summary>
public sealed class SiloProcessCluster(string name, string workDirectory, string? redis, ITestOutputHelper log, params string[] siloArguments) : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<SiloProcess> _silos = [];
    private readonly List<ChildProcess> _clients = [];

    public string ClusterId { get; } = $"{name}-{Guid.NewGuid():N}";

    /// <summary>Its own too: grain state and reminders in a shared Redis belong to a service, and would bring another test's grains back here.</summary>
    public string ServiceId => ClusterId;

    public string DataDirectory { get; } = Path.Combine(workDirectory, "data");

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The arguments that point the client at this cluster.</summary>
    public IReadOnlyList<string> ClientArguments => redis is null
        ? ["--cluster", string.Join(",", _silos.Where(s => !s.Process.HasExited).Select(s => s.Gateway)), "--cluster-id", ClusterId, "--service-id", ServiceId]
        : ["--redis", redis, "--cluster-id", ClusterId, "--service-id", ServiceId];

    /// <summary>Starts <paramref name="count"/> silos at once and waits until each says it has started.</summary>
    public async Task<IReadOnlyList<SiloProcess>> StartSilosAsync(int count)
    {
        var silos = Enumerable.Range(0, count).Select(_ => Launch()).ToList();
        foreach (var silo in silos)
        {
            await WaitStartedAsync(silo);
        }

        return silos;
    }

    public async Task<SiloProcess> StartSiloAsync()
    {
        var silo = Launch();
        await WaitStartedAsync(silo);
        return silo;
    }

    /// <summary>Stops every running silo with SIGTERM and waits until each has exited 0.</summary>
    public async Task StopAllAsync(TimeSpan timeout)
    {
        var running = _silos.Where(s => !s.Process.HasExited).ToList();
        foreach (var silo in running)
        {
            silo.Process.Terminate();
        }

        foreach (var silo in running)
        {
            var exitCode = await silo.Process.WaitForExitAsync(timeout);
            Assert.True(exitCode == 0, $"{silo.Process.Name} exited with {exitCode} on SIGTERM{Environment.NewLine}{silo.Process.Tail()}");
        }

    }

    public ChildProcess StartClient(IEnumerable<string> arguments)
    {
        var client = ChildProcess.Start($"client{_clients.Count + 1}", Binaries.ClientDll, ClientArguments.Concat(arguments), workDirectory);
        _clients.Add(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var process in _silos.Select(s => s.Process).Concat(_clients))
        {
            process.Dispose();
            log.WriteLine($"--- {process.Name} ---");
            foreach (var line in process.Lines)
            {
                log.WriteLine($"[{process.Name}] {line}");
            }
        }
    }

    /// <summary>
    /// How a silo process is started: <c>dotnet</c> and the silo's arguments in, the process out. By default the silo
    /// directly; a test may wrap it (in a mount namespace with a small disk of its own, say).
    /// </summary>
    public Func<string, IReadOnlyList<string>, ChildProcess>? StartProcess { get; set; }

    private SiloProcess Launch()
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        List<string> arguments =
        [
            $"--RaftOrleans:ClusterId={ClusterId}",
            $"--RaftOrleans:ServiceId={ServiceId}",
            Setting("SiloPort", siloPort),
            Setting("GatewayPort", gatewayPort),
            $"--RaftOrleans:DataDirectory={DataDirectory}",
            $"--RaftOrleans:Redis={redis}",
            .. siloArguments,
        ];
        var name = $"silo{_silos.Count + 1}";
        var process = StartProcess is { } start ? start(name, [Binaries.SiloDll, .. arguments]) : ChildProcess.Start(name, Binaries.SiloDll, arguments, workDirectory);
        var silo = new SiloProcess(process, siloPort, gatewayPort);
        _silos.Add(silo);
        return silo;
    }

    private static async Task WaitStartedAsync(SiloProcess silo) =>
        await silo.Process.WaitForLineAsync(line => line.Contains(" started in cluster ", StringComparison.Ordinal), StartTimeout, "its 'started' line");

    private static string Setting(string name, int value) => string.Create(CultureInfo.InvariantCulture, $"--RaftOrleans:{name}={value}");
}
