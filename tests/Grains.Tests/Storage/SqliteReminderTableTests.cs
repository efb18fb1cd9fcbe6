using Microsoft.Extensions.Options;
using Orleans.Configuration;
using RaftOrleans.Sqlite.Clustering;
using RaftOrleans.TestSupport;

namespace RaftOrleans.Grains.Tests.Storage;

/// <summary>
/// The SQLite reminder table: one row per grain and reminder name, removal only with the current etag, the
/// ring's ranges (wrapping too), and rows that outlive the process that wrote them.
/// </summary>
public sealed class SqliteReminderTableTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTime StartAt = new(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _dir = new("reminders");
    private SqliteReminderTable _table = null!;

    public async Task InitializeAsync() => _table = await OpenAsync("service");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AnUpsert_IsReadBack_ASecondReplacesIt_WithANewEtag()
    {
        var grain = NewGrain();
        var first = await _table.UpsertRow(Entry(grain, "keep-alive", TimeSpan.FromMinutes(1)));
        var read = await _table.ReadRow(grain, "keep-alive");
        Assert.NotNull(read);
        Assert.Equal((grain, "keep-alive", StartAt, TimeSpan.FromMinutes(1), first), (read.GrainId, read.ReminderName, read.StartAt, read.Period, read.ETag));

        var second = await _table.UpsertRow(Entry(grain, "keep-alive", TimeSpan.FromMinutes(2)));
        Assert.NotEqual(first, second);
        var rows = (await _table.ReadRows(grain)).Reminders;
        Assert.Equal(TimeSpan.FromMinutes(2), Assert.Single(rows).Period);
        Assert.Null(await _table.ReadRow(grain, "another"));
    }

    [Fact]
    public async Task ARemoval_NeedsTheCurrentEtag()
    {
        var grain = NewGrain();
        var stale = await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        var current = await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        Assert.NotNull(stale);
        Assert.NotNull(current);

        Assert.False(await _table.RemoveRow(grain, "r", stale));
        Assert.NotNull(await _table.ReadRow(grain, "r"));
        Assert.True(await _table.RemoveRow(grain, "r", current));
        Assert.Null(await _table.ReadRow(grain, "r"));
    }

    [Fact]
    public async Task ARange_HoldsTheGrainsWhoseHashIsAfterItsBeginUpToItsEnd_AndWrapsAroundTheRing()
    {
        var grains = Enumerable.Range(0, 12).Select(_ => NewGrain()).OrderBy(g => g.GetUniformHashCode()).ToList();
        foreach (var grain in grains)
        {
            await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).ToList();
        // (hash of 2nd, hash of 6th]: the 3rd to the 6th.
        Assert.Equal(grains[2..6], await GrainsInAsync(hashes[1], hashes[5]));
        // (hash of 10th, hash of 2nd] wraps: the 11th, the 12th, the 1st and the 2nd.
        Assert.Equal([grains[0], grains[1], grains[10], grains[11]], await GrainsInAsync(hashes[9], hashes[1]));
        // begin = end is the whole ring.
        Assert.Equal(grains, await GrainsInAsync(hashes[4], hashes[4]));
    }

    [Fact]
    public async Task Rows_OutliveTheirWriter_AndAnotherServiceSeesNone()
    {
        var grain = NewGrain();
        var etag = await _table.UpsertRow(Entry(grain, "r", TimeSpan.FromMinutes(1)));

        Assert.Equal(etag, (await (await OpenAsync("service")).ReadRow(grain, "r"))?.ETag);
        var other = await OpenAsync("another service");
        Assert.Empty((await other.ReadRows(grain)).Reminders);
        Assert.Empty((await other.ReadRows(0, 0)).Reminders);
    }

    private async Task<List<GrainId>> GrainsInAsync(uint begin, uint end) =>
        (await _table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId).OrderBy(g => g.GetUniformHashCode()).ToList();

    private async Task<SqliteReminderTable> OpenAsync(string service)
    {
        var table = new SqliteReminderTable(
            new SqliteTableOptions { DatabasePath = _dir.Sub("reminders.db") },
            Options.Create(new ClusterOptions { ServiceId = service }));
        await table.Init();
        return table;
    }

    private static GrainId NewGrain() => GrainId.Create("test", Guid.NewGuid().ToString("N"));

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = StartAt, Period = period };
}
