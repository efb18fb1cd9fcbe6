using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RaftOrleans.Sqlite.GrainDirectory;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Storage;

/// <summary>The SQLite grain directory keeps one activation per grain, replaces only what a registration names, forgets dead silos.</summary>
public sealed class SqliteGrainDirectoryTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new("grain-directory");
    private readonly SiloAddress _siloA = SiloAddress.FromParsableString("127.0.0.1:11111@1");
    private readonly SiloAddress _siloB = SiloAddress.FromParsableString("127.0.0.1:11112@2");
    private SqliteGrainDirectory _directory = null!;

    public async Task InitializeAsync()
    {
        _directory = Open("cluster");
        var lifecycle = new SiloLifecycleStub();
        _directory.Participate(lifecycle);
        await lifecycle.RunAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task TheFirstRegistrationWins_AndALookupFindsIt()
    {
        var grain = NewGrain();
        var first = Address(grain, _siloA);
        Assert.Equal(first, await _directory.Register(first));
        Assert.Equal(first, await _directory.Register(Address(grain, _siloB)));
        Assert.Equal(first, await _directory.Lookup(grain));
        Assert.Null(await _directory.Lookup(NewGrain()));
    }

    [Fact]
    public async Task ARegistrationNamingTheEntryItReplaces_TakesItsPlace_AnotherDoesNot()
    {
        var grain = NewGrain();
        var stale = Address(grain, _siloA);
        await _directory.Register(stale);
        var replacement = Address(grain, _siloB);
        Assert.Equal(stale, await _directory.Register(replacement, Address(grain, _siloA)));
        Assert.Equal(replacement, await _directory.Register(replacement, stale));
        Assert.Equal(replacement, await _directory.Lookup(grain));
    }

    [Fact]
    public async Task UnregisterRemovesOnlyThatActivation_AndUnregisterSilosForgetsTheirGrains()
    {
        var grain = NewGrain();
        var registered = Address(grain, _siloA);
        await _directory.Register(registered);
        await _directory.Unregister(Address(grain, _siloA));
        Assert.Equal(registered, await _directory.Lookup(grain));
        await _directory.Unregister(registered);
        Assert.Null(await _directory.Lookup(grain));

        var onA = NewGrain();
        var onB = NewGrain();
        await _directory.Register(Address(onA, _siloA));
        await _directory.Register(Address(onB, _siloB));
        await _directory.UnregisterSilos([_siloA]);
        Assert.Null(await _directory.Lookup(onA));
        Assert.NotNull(await _directory.Lookup(onB));
    }

    [Fact]
    public async Task ClustersSharingTheFile_DoNotSeeEachOthersGrains()
    {
        var grain = NewGrain();
        await _directory.Register(Address(grain, _siloA));
        Assert.Null(await Open("another cluster").Lookup(grain));
    }

    private SqliteGrainDirectory Open(string cluster) =>
        new("test", new SqliteGrainDirectoryOptions { DatabasePath = _dir.Sub("directory.db") }, Options.Create(new ClusterOptions { ClusterId = cluster }));

    private static GrainId NewGrain() => GrainId.Create("test", Guid.NewGuid().ToString("N"));

    private static GrainAddress Address(GrainId grain, SiloAddress silo) =>
        new() { GrainId = grain, SiloAddress = silo, ActivationId = ActivationId.NewId(), MembershipVersion = new MembershipVersion(1) };
}
