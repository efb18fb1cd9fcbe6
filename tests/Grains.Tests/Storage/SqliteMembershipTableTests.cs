using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using RaftOrleans.Sqlite.Clustering;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Storage;

/// <summary>
/// The SQLite membership table: every change is conditional on the table version it was based on (and the row's
/// etag), heartbeats do not disturb that, and the table outlives the process that wrote it.
/// </summary>
public sealed class SqliteMembershipTableTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new("membership");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly SiloAddress _siloA = SiloAddress.FromParsableString("127.0.0.1:11111@1");
    private readonly SiloAddress _siloB = SiloAddress.FromParsableString("127.0.0.1:11112@2");
    private SqliteMembershipTable _table = null!;

    public async Task InitializeAsync() => _table = await OpenAsync("cluster");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task AnInsert_TakesTheNextVersion_AndIsReadBack_ASecondOneForTheSameSiloFails()
    {
        var empty = await _table.ReadAll();
        Assert.Empty(empty.Members);
        Assert.True(await _table.InsertRow(Entry(_siloA, SiloStatus.Joining), empty.Version.Next()));

        var read = await _table.ReadAll();
        Assert.Equal(empty.Version.Version + 1, read.Version.Version);
        var (entry, _) = Assert.Single(read.Members);
        Assert.Equal(_siloA, entry.SiloAddress);
        Assert.Equal(SiloStatus.Joining, entry.Status);
        Assert.Equal("host-a", entry.HostName);

        Assert.False(await _table.InsertRow(Entry(_siloA, SiloStatus.Active), read.Version.Next()));
        Assert.Single((await _table.ReadAll()).Members);
    }

    [Fact]
    public async Task AChangeBasedOnAnOlderVersion_OrNotAdvancingIt_Fails_AndChangesNothing()
    {
        var empty = await _table.ReadAll();
        Assert.True(await _table.InsertRow(Entry(_siloA, SiloStatus.Joining), empty.Version.Next()));
        var afterA = await _table.ReadAll();

        Assert.False(await _table.InsertRow(Entry(_siloB, SiloStatus.Joining), empty.Version.Next()));
        var etagA = afterA.Members.Single().Item2;
        Assert.False(await _table.UpdateRow(Entry(_siloA, SiloStatus.Active), etagA, empty.Version.Next()));

        Assert.False(await _table.InsertRow(Entry(_siloB, SiloStatus.Joining), afterA.Version));

        var read = await _table.ReadAll();
        Assert.Equal(afterA.Version, read.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(read.Members).Item1.Status);
    }

    [Fact]
    public async Task AnUpdate_NeedsTheRowsEtag_AndTheRowToExist()
    {
        Assert.True(await _table.InsertRow(Entry(_siloA, SiloStatus.Joining), (await _table.ReadAll()).Version.Next()));
        var read = await _table.ReadAll();
        var etag = read.Members.Single().Item2;

        Assert.False(await _table.UpdateRow(Entry(_siloB, SiloStatus.Active), etag, read.Version.Next()));
        Assert.False(await _table.UpdateRow(Entry(_siloA, SiloStatus.Active), etag + "0", read.Version.Next()));
        Assert.True(await _table.UpdateRow(Entry(_siloA, SiloStatus.Active), etag, read.Version.Next()));

        var updated = await _table.ReadAll();
        Assert.Equal(SiloStatus.Active, Assert.Single(updated.Members).Item1.Status);
        Assert.NotEqual(etag, updated.Members.Single().Item2);
    }

    [Fact]
    public async Task AHeartbeat_IsReadBack_AndLeavesAnEarlierReadUsableForAnUpdate()
    {
        Assert.True(await _table.InsertRow(Entry(_siloA, SiloStatus.Active), (await _table.ReadAll()).Version.Next()));
        var before = await _table.ReadAll();

        var heartbeat = Entry(_siloA, SiloStatus.Active);
        heartbeat.IAmAliveTime = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        await _table.UpdateIAmAlive(heartbeat);

        var row = await _table.ReadRow(_siloA);
        Assert.Equal(heartbeat.IAmAliveTime, Assert.Single(row.Members).Item1.IAmAliveTime);
        Assert.Equal(before.Version, row.Version);
        Assert.True(await _table.UpdateRow(Entry(_siloA, SiloStatus.ShuttingDown), before.Members.Single().Item2, before.Version.Next()));
    }

    [Fact]
    public async Task SilosJoiningAtOnce_FromOneRead_OneWins_TheOthersRetryFromANewRead()
    {
        var read = await _table.ReadAll();
        var silos = Enumerable.Range(0, 8).Select(i => SiloAddress.FromParsableString($"127.0.0.1:{12000 + i}@{i + 1}")).ToList();
        var results = await Task.WhenAll(silos.Select(silo => _table.InsertRow(Entry(silo, SiloStatus.Joining), read.Version.Next())));

        Assert.Single(results, inserted => inserted);
        var after = await _table.ReadAll();
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task TheTable_OutlivesItsWriter_AnotherClusterSeesNothing_DeleteForgetsOnlyThatCluster()
    {
        Assert.True(await _table.InsertRow(Entry(_siloA, SiloStatus.Active), (await _table.ReadAll()).Version.Next()));
        var other = await OpenAsync("another cluster");
        Assert.True(await other.InsertRow(Entry(_siloB, SiloStatus.Active), (await other.ReadAll()).Version.Next()));

        var reopened = await (await OpenAsync("cluster")).ReadAll();
        Assert.Equal(_siloA, Assert.Single(reopened.Members).Item1.SiloAddress);
        Assert.Equal(1, reopened.Version.Version);

        await _table.DeleteMembershipTableEntries("cluster");
        var deleted = await _table.ReadAll();
        Assert.Empty(deleted.Members);
        Assert.Equal(0, deleted.Version.Version);
        Assert.Equal(_siloB, Assert.Single((await other.ReadAll()).Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task Cleanup_RemovesOnlyDeadSilosNotHeardOfSinceTheDate()
    {
        var longAgo = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var recently = new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc);
        var rows = new[]
        {
            Entry(_siloA, SiloStatus.Dead, longAgo),
            Entry(_siloB, SiloStatus.Dead, recently),
            Entry(SiloAddress.FromParsableString("127.0.0.1:11113@3"), SiloStatus.Active, longAgo),
        };
        foreach (var row in rows)
        {
            Assert.True(await _table.InsertRow(row, (await _table.ReadAll()).Version.Next()));
        }

        await _table.CleanupDefunctSiloEntries(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

        var left = (await _table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal([rows[1].SiloAddress, rows[2].SiloAddress], left.OrderBy(s => s.Endpoint.Port));
    }

    private async Task<SqliteMembershipTable> OpenAsync(string cluster)
    {
        var table = new SqliteMembershipTable(
            new SqliteTableOptions { DatabasePath = _dir.Sub("membership.db") },
            Options.Create(new ClusterOptions { ClusterId = cluster }),
            _services.GetRequiredService<Serializer<MembershipEntry>>());
        await table.InitializeMembershipTable(tryInitTableVersion: true);
        return table;
    }

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status, DateTime? lastSeen = null)
    {
        var at = lastSeen ?? new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        return new MembershipEntry
        {
            SiloAddress = silo,
            Status = status,
            HostName = "host-a",
            SiloName = $"silo-{silo.Endpoint.Port}",
            ProxyPort = silo.Endpoint.Port + 1000,
            StartTime = at,
            IAmAliveTime = at,
        };
    }
}
