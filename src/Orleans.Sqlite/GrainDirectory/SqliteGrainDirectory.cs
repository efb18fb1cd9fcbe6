using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.GrainDirectory;

namespace RaftOrleans.Sqlite.GrainDirectory;

/// <summary>
/// A grain directory in an embedded SQLite database shared by the silos of one machine: where each activation of
/// the grains it serves lives. Unlike Orleans' default directory, whose entries are spread over the silos, no entry
/// depends on a silo being responsive, so a paused or dead silo blocks no lookup of a grain that lives elsewhere.
/// Registration keeps the first activation (one per grain); a registration naming the entry it replaces (one on a
/// silo now dead) takes its place.
/// </summary>
public sealed class SqliteGrainDirectory : IGrainDirectory, ILifecycleParticipant<ISiloLifecycle>
{
    private const string Schema =
        """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS grain_directory (
            cluster_id         TEXT    NOT NULL,
            grain_id           TEXT    NOT NULL,
            silo               TEXT    NOT NULL,
            activation         TEXT    NOT NULL,
            membership_version INTEGER NOT NULL,
            PRIMARY KEY (cluster_id, grain_id)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS grain_directory_silo ON grain_directory (cluster_id, silo);
        """;

    private readonly string _name;
    private readonly string _clusterId;
    private readonly SqliteDatabase _database;

    public SqliteGrainDirectory(string name, SqliteGrainDirectoryOptions options, IOptions<ClusterOptions> cluster)
    {
        _name = name;
        _clusterId = cluster.Value.ClusterId;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeout, fullSync: false);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainDirectory)}-{_name}", ServiceLifecycleStage.RuntimeInitialize, InitializeAsync);

    public Task<GrainAddress?> Register(GrainAddress address) => Register(address, null);

    public Task<GrainAddress?> Register(GrainAddress address, GrainAddress? previousAddress) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var existing = Read(connection, transaction, address.GrainId);
            if (existing is not null && !(previousAddress is not null && existing.Matches(previousAddress)))
            {
                return existing;
            }

            using var upsert = Command(connection, transaction,
                "INSERT OR REPLACE INTO grain_directory (cluster_id, grain_id, silo, activation, membership_version) VALUES ($c, $g, $s, $a, $v)");
            upsert.Parameters.AddWithValue("$g", address.GrainId.ToString());
            upsert.Parameters.AddWithValue("$s", address.SiloAddress!.ToParsableString());
            upsert.Parameters.AddWithValue("$a", address.ActivationId.ToParsableString());
            upsert.Parameters.AddWithValue("$v", address.MembershipVersion.Value);
            upsert.ExecuteNonQuery();
            transaction.Commit();
            return (GrainAddress?)address;
        });

    public Task Unregister(GrainAddress address) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var delete = Command(connection, null, "DELETE FROM grain_directory WHERE cluster_id = $c AND grain_id = $g AND activation = $a");
            delete.Parameters.AddWithValue("$g", address.GrainId.ToString());
            delete.Parameters.AddWithValue("$a", address.ActivationId.ToParsableString());
            delete.ExecuteNonQuery();
        });

    public Task<GrainAddress?> Lookup(GrainId grainId) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            return Read(connection, null, grainId);
        });

    public Task UnregisterSilos(List<SiloAddress> siloAddresses) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            foreach (var silo in siloAddresses)
            {
                using var delete = Command(connection, transaction, "DELETE FROM grain_directory WHERE cluster_id = $c AND silo = $s");
                delete.Parameters.AddWithValue("$s", silo.ToParsableString());
                delete.ExecuteNonQuery();
            }

            transaction.Commit();
        });

    private Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.Run(() => _database.Create(Schema), cancellationToken);

    private GrainAddress? Read(SqliteConnection connection, SqliteTransaction? transaction, GrainId grainId)
    {
        using var select = Command(connection, transaction, "SELECT silo, activation, membership_version FROM grain_directory WHERE cluster_id = $c AND grain_id = $g");
        select.Parameters.AddWithValue("$g", grainId.ToString());
        using var reader = select.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new GrainAddress
        {
            GrainId = grainId,
            SiloAddress = SiloAddress.FromParsableString(reader.GetString(0)),
            ActivationId = ActivationId.FromParsableString(reader.GetString(1)),
            MembershipVersion = new MembershipVersion(reader.GetInt64(2)),
        };
    }

    private SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql) =>
        SqliteDatabase.ClusterCommand(connection, transaction, sql, _clusterId);
}
