using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace RaftOrleans.Sqlite.Clustering;

/// <summary>
/// Orleans' reminder table in an embedded SQLite database shared by the silos of one machine: a reminder outlives
/// the silo that registered it and the silo that served it (the Raft peers' keep-alive reminders bring a group back
/// after its silos died). Each silo serves the reminders of its range of the grain-hash ring.
/// </summary>
public sealed class SqliteReminderTable : IReminderTable
{
    private const string Schema =
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS reminders (
            service_id    TEXT    NOT NULL,
            grain_id      TEXT    NOT NULL,
            reminder_name TEXT    NOT NULL,
            grain_hash    INTEGER NOT NULL,
            start_at      INTEGER NOT NULL,
            period        INTEGER NOT NULL,
            etag          TEXT    NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS reminders_hash ON reminders (service_id, grain_hash);
        """;

    private const string Columns = "grain_id, reminder_name, start_at, period, etag";

    private readonly string _serviceId;
    private readonly SqliteDatabase _database;

    public SqliteReminderTable(SqliteTableOptions options, IOptions<ClusterOptions> cluster)
    {
        _serviceId = cluster.Value.ServiceId;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeout, fullSync: true);
    }

    public Task Init() =>
        Task.Run(() => _database.Create(Schema));

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var select = Command(connection, $"SELECT {Columns} FROM reminders WHERE service_id = $s AND grain_id = $g");
            select.Parameters.AddWithValue("$g", grainId.ToString());
            return new ReminderTableData(ReadEntries(select));
        });

    /// <summary>The reminders of the grains whose hash is in (<paramref name="begin"/>, <paramref name="end"/>] on the ring; it wraps when begin ≥ end.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            var range = begin < end ? "grain_hash > $b AND grain_hash <= $e" : "(grain_hash > $b OR grain_hash <= $e)";
            using var select = Command(connection, $"SELECT {Columns} FROM reminders WHERE service_id = $s AND {range}");
            select.Parameters.AddWithValue("$b", (long)begin);
            select.Parameters.AddWithValue("$e", (long)end);
            return new ReminderTableData(ReadEntries(select));
        });

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var select = Command(connection, $"SELECT {Columns} FROM reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n");
            select.Parameters.AddWithValue("$g", grainId.ToString());
            select.Parameters.AddWithValue("$n", reminderName);
            return ReadEntries(select).SingleOrDefault();
        });

    /// <summary>Writes the reminder, whatever was there; its new etag is returned.</summary>
    public Task<string?> UpsertRow(ReminderEntry entry) =>
        Task.Run(() =>
        {
            var etag = Guid.NewGuid().ToString("N");
            using var connection = _database.Open();
            using var upsert = Command(connection,
                "INSERT OR REPLACE INTO reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period, etag) VALUES ($s, $g, $n, $h, $t, $p, $etag)");
            upsert.Parameters.AddWithValue("$g", entry.GrainId.ToString());
            upsert.Parameters.AddWithValue("$n", entry.ReminderName);
            upsert.Parameters.AddWithValue("$h", (long)entry.GrainId.GetUniformHashCode());
            upsert.Parameters.AddWithValue("$t", entry.StartAt.ToUniversalTime().Ticks);
            upsert.Parameters.AddWithValue("$p", entry.Period.Ticks);
            upsert.Parameters.AddWithValue("$etag", etag);
            upsert.ExecuteNonQuery();
            return (string?)etag;
        });

    /// <summary>Removes the reminder if it still has <paramref name="eTag"/>: a stale remover cannot delete a newer registration.</summary>
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var delete = Command(connection, "DELETE FROM reminders WHERE service_id = $s AND grain_id = $g AND reminder_name = $n AND etag = $etag");
            delete.Parameters.AddWithValue("$g", grainId.ToString());
            delete.Parameters.AddWithValue("$n", reminderName);
            delete.Parameters.AddWithValue("$etag", eTag);
            return delete.ExecuteNonQuery() > 0;
        });

    public Task TestOnlyClearTable() =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var delete = Command(connection, "DELETE FROM reminders WHERE service_id = $s");
            delete.ExecuteNonQuery();
        });

    private static List<ReminderEntry> ReadEntries(SqliteCommand select)
    {
        using var reader = select.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(new ReminderEntry
            {
                GrainId = GrainId.Parse(reader.GetString(0)),
                ReminderName = reader.GetString(1),
                StartAt = new DateTime(reader.GetInt64(2), DateTimeKind.Utc),
                Period = TimeSpan.FromTicks(reader.GetInt64(3)),
                ETag = reader.GetString(4),
            });
        }

        return entries;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", _serviceId);
        return command;
    }
}
