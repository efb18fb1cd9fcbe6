using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace RaftOrleans.Sqlite.Clustering;

/// <summary>
/// Orleans' cluster membership table in an embedded SQLite database shared by the silos of one machine. No silo
/// holds it, so any silo may stop or die and the others still agree on who is alive; it outlives every silo, so a
/// restarted cluster sees its previous silos (dead, or to be declared dead) and its version only grows, which is
/// what grain directory entries are judged by. Each change is one transaction that checks the table version it was
/// based on (and the row's etag), as Orleans' membership protocol requires.
/// </summary>
public sealed class SqliteMembershipTable : IMembershipTable
{
    private const string Schema =
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS membership_version (
            cluster_id TEXT    NOT NULL PRIMARY KEY,
            version    INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS membership (
            cluster_id TEXT    NOT NULL,
            silo       TEXT    NOT NULL,
            entry      BLOB    NOT NULL,
            etag       INTEGER NOT NULL,
            i_am_alive INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, silo)) WITHOUT ROWID;
        """;

    private readonly string _clusterId;
    private readonly SqliteDatabase _database;
    private readonly Serializer<MembershipEntry> _serializer;

    public SqliteMembershipTable(SqliteTableOptions options, IOptions<ClusterOptions> cluster, Serializer<MembershipEntry> serializer)
    {
        _clusterId = cluster.Value.ClusterId;
        _serializer = serializer;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeout, fullSync: true);
    }

    public Task InitializeMembershipTable(bool tryInitTableVersion) =>
        Task.Run(() => _database.Create(Schema));

    public Task DeleteMembershipTableEntries(string clusterId) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var table in (string[])["membership", "membership_version"])
            {
                using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE cluster_id = $c");
                delete.Parameters["$c"].Value = clusterId;
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        });

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var defunct = ReadRows(connection, transaction, silo: null)
                .Where(row => row.Entry.Status == SiloStatus.Dead && LastUpdate(row.Entry) < beforeDate.UtcDateTime)
                .Select(row => row.Entry.SiloAddress)
                .ToList();
            foreach (var silo in defunct)
            {
                using var delete = Command(connection, transaction, "DELETE FROM membership WHERE cluster_id = $c AND silo = $s");
                delete.Parameters.AddWithValue("$s", silo.ToParsableString());
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        });

    public Task<MembershipTableData> ReadRow(SiloAddress key) => Task.Run(() => Read(key));

    public Task<MembershipTableData> ReadAll() => Task.Run(() => Read(silo: null));

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        Task.Run(() => Write(entry, expectedRowEtag: null, tableVersion));

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        Task.Run(() => Write(entry, etag, tableVersion));

    public Task UpdateIAmAlive(MembershipEntry entry) =>
        Task.Run(() =>
        {
            // A heartbeat changes neither the row's etag nor the table version: reads before it stay usable for updates.
            using var connection = _database.Open();
            using var update = Command(connection, null, "UPDATE membership SET i_am_alive = $t WHERE cluster_id = $c AND silo = $s");
            update.Parameters.AddWithValue("$t", entry.IAmAliveTime.ToUniversalTime().Ticks);
            update.Parameters.AddWithValue("$s", entry.SiloAddress.ToParsableString());
            update.ExecuteNonQuery();
        });

    private static DateTime LastUpdate(MembershipEntry entry) => entry.IAmAliveTime > entry.StartTime ? entry.IAmAliveTime : entry.StartTime;

    private MembershipTableData Read(SiloAddress? silo)
    {
        using var connection = _database.Open();
        // One read transaction: the rows and the version are of the same moment.
        using var transaction = connection.BeginTransaction(deferred: true);
        var version = ReadVersion(connection, transaction);
        var rows = ReadRows(connection, transaction, silo)
            .Select(row => Tuple.Create(row.Entry, row.Etag.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        return new MembershipTableData(rows, new TableVersion(version, Etag(version)));
    }

    /// <summary>
    /// Inserts (<paramref name="expectedRowEtag"/> null: the row must not exist) or updates (the row must exist with
    /// that etag) a silo's row, if the table is still at the version <paramref name="tableVersion"/>'s etag names; the
    /// table then takes <paramref name="tableVersion"/>'s version, which must be newer (a row's etag is the version that
    /// wrote it, so a version never comes back).
    /// </summary>
    private bool Write(MembershipEntry entry, string? expectedRowEtag, TableVersion tableVersion)
    {
        using var connection = _database.Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var current = ReadVersion(connection, transaction);
        if (Etag(current) != tableVersion.VersionEtag || tableVersion.Version <= current)
        {
            return false;
        }

        var silo = entry.SiloAddress.ToParsableString();
        using (var select = Command(connection, transaction, "SELECT etag FROM membership WHERE cluster_id = $c AND silo = $s"))
        {
            select.Parameters.AddWithValue("$s", silo);
            var rowEtag = select.ExecuteScalar() is long etag ? etag.ToString(CultureInfo.InvariantCulture) : null;
            if (rowEtag != expectedRowEtag)
            {
                return false;
            }
        }

        using (var upsert = Command(connection, transaction,
                   "INSERT OR REPLACE INTO membership (cluster_id, silo, entry, etag, i_am_alive) VALUES ($c, $s, $e, $v, $t)"))
        {
            upsert.Parameters.AddWithValue("$s", silo);
            upsert.Parameters.AddWithValue("$e", _serializer.SerializeToArray(entry));
            upsert.Parameters.AddWithValue("$v", tableVersion.Version);
            upsert.Parameters.AddWithValue("$t", entry.IAmAliveTime.ToUniversalTime().Ticks);
            upsert.ExecuteNonQuery();
        }

        using (var version = Command(connection, transaction, "INSERT OR REPLACE INTO membership_version (cluster_id, version) VALUES ($c, $v)"))
        {
            version.Parameters.AddWithValue("$v", tableVersion.Version);
            version.ExecuteNonQuery();
        }

        transaction.Commit();
        return true;
    }

    /// <summary>The table's version; 0 before its first write.</summary>
    private int ReadVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var select = Command(connection, transaction, "SELECT version FROM membership_version WHERE cluster_id = $c");
        return select.ExecuteScalar() is long version ? checked((int)version) : 0;
    }

    private List<(MembershipEntry Entry, long Etag)> ReadRows(SqliteConnection connection, SqliteTransaction transaction, SiloAddress? silo)
    {
        using var select = Command(connection, transaction,
            "SELECT entry, etag, i_am_alive FROM membership WHERE cluster_id = $c" + (silo is null ? string.Empty : " AND silo = $s"));
        if (silo is not null)
        {
            select.Parameters.AddWithValue("$s", silo.ToParsableString());
        }

        using var reader = select.ExecuteReader();
        var rows = new List<(MembershipEntry, long)>();
        while (reader.Read())
        {
            var entry = _serializer.Deserialize((byte[])reader.GetValue(0))
                ?? throw new InvalidDataException($"Membership table {_database.FullPath}: an empty row in cluster {_clusterId}.");
            entry.IAmAliveTime = new DateTime(reader.GetInt64(2), DateTimeKind.Utc);
            rows.Add((entry, reader.GetInt64(1)));
        }

        return rows;
    }

    private static string Etag(int version) => version.ToString(CultureInfo.InvariantCulture);

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        SqliteDatabase.ClusterCommand(connection, transaction, sql, _clusterId);
}
