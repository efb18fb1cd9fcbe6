using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;
using RaftOrleans.Sqlite.Persistence;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Storage;

/// <summary>The SQLite grain storage's versions: a write or clear must name the stored version, and versions never repeat.</summary>
public sealed class SqliteGrainStorageTests : IAsyncLifetime, IDisposable
{
    private const string StateName = "state";

    private readonly TempDirectory _dir = new("grain-storage");
    private readonly GrainId _grain = GrainId.Create("test", Guid.NewGuid().ToString("N"));
    private SqliteGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = new SqliteGrainStorage(
            "test",
            new SqliteGrainStorageOptions { DatabasePath = _dir.Sub("grains.db") },
            new JsonSerializer(),
            Options.Create(new ClusterOptions { ServiceId = "service", ClusterId = "cluster" }));
        var lifecycle = new SiloLifecycleStub();
        _storage.Participate(lifecycle);
        await lifecycle.RunAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AWriteWithAnETagFromBeforeAClear_LosesToTheWriteAfterIt()
    {
        var stale = new GrainState<Record>(new Record("first"));
        await _storage.WriteStateAsync(StateName, _grain, stale);
        var owner = await ReadAsync();

        await _storage.ClearStateAsync(StateName, _grain, owner);
        Assert.False(owner.RecordExists);
        owner.State = new Record("after the clear");
        await _storage.WriteStateAsync(StateName, _grain, owner);

        stale.State = new Record("stale");
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, _grain, stale));
        Assert.Equal("after the clear", (await ReadAsync()).State!.Value);
    }

    [Fact]
    public async Task AClearedRecord_ReadsAsNone_AndANewWriterMustNameItsVersion()
    {
        var owner = new GrainState<Record>(new Record("v"));
        await _storage.WriteStateAsync(StateName, _grain, owner);
        await _storage.ClearStateAsync(StateName, _grain, owner);

        var read = await ReadAsync();
        Assert.False(read.RecordExists);
        Assert.Null(read.State!.Value);
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, _grain, new GrainState<Record>(new Record("blind"))));

        read.State = new Record("again");
        await _storage.WriteStateAsync(StateName, _grain, read);
        var again = await ReadAsync();
        Assert.Equal(("again", true), (again.State!.Value, again.RecordExists));
    }

    private async Task<GrainState<Record>> ReadAsync()
    {
        var state = new GrainState<Record>();
        await _storage.ReadStateAsync(StateName, _grain, state);
        return state;
    }

    public sealed record Record(string? Value)
    {
        public Record()
            : this((string?)null)
        {
        }
    }

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
