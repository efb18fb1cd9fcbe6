using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace RaftOrleans.Sqlite.Persistence;

/// <summary>
/// Durable grain storage in an embedded SQLite database (WAL, synchronous=FULL: a completed write is on disk).
/// Each record carries a version; a write or clear whose ETag is not the stored version throws
/// <see cref="InconsistentStateException"/>, so a stale activation cannot overwrite a newer one's state. A clear keeps
/// the row (an empty payload) and goes on counting its version, as Orleans' ADO.NET provider does: a version never
/// repeats, so a writer holding an ETag from before the clear cannot overwrite what was written after it.
/// Database calls run on the thread pool: Microsoft.Data.Sqlite's async API is synchronous underneath.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The payload of a cleared record: a serialized state is never empty.</summary>
    private static readonly byte[] Cleared = [];

    private readonly string _name;
    private readonly string _serviceId;
    private readonly SqliteDatabase _database;
    private readonly IGrainStorageSerializer _serializer;

    public SqliteGrainStorage(string name, SqliteGrainStorageOptions options, IGrainStorageSerializer serializer, IOptions<ClusterOptions> cluster)
    {
        _name = name;
        _serviceId = cluster.Value.ServiceId;
        _serializer = serializer;
        _database = new SqliteDatabase(options.DatabasePath, options.BusyTimeout, fullSync: true);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", ServiceLifecycleStage.RuntimeInitialize, InitializeAsync);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() =>
        {
            using var connection = _database.Open();
            using var command = Command(connection, "SELECT version, payload FROM grain_state WHERE service_id = $s AND state_name = $n AND grain_id = $g", stateName, grainId);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
                return;
            }

            var version = reader.GetInt64(0);
            var payload = (byte[])reader.GetValue(1);
            var cleared = payload.Length == Cleared.Length;
            grainState.State = cleared ? Activator.CreateInstance<T>() : _serializer.Deserialize<T>(new BinaryData(payload));
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = !cleared;
        });

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() =>
        {
            var payload = _serializer.Serialize(grainState.State).ToArray();
            using var connection = _database.Open();
            long version;
            if (grainState.ETag is null)
            {
                version = 1;
                using var insert = Command(connection, "INSERT OR IGNORE INTO grain_state (service_id, state_name, grain_id, version, payload) VALUES ($s, $n, $g, 1, $p)", stateName, grainId);
                insert.Parameters.AddWithValue("$p", payload);
                Expect(insert.ExecuteNonQuery() == 1, "write", stateName, grainId, grainState.ETag);
            }
            else
            {
                var expected = ParseETag(grainState.ETag);
                version = expected + 1;
                using var update = Command(connection, "UPDATE grain_state SET version = $v, payload = $p WHERE service_id = $s AND state_name = $n AND grain_id = $g AND version = $e", stateName, grainId);
                update.Parameters.AddWithValue("$v", version);
                update.Parameters.AddWithValue("$p", payload);
                update.Parameters.AddWithValue("$e", expected);
                Expect(update.ExecuteNonQuery() == 1, "write", stateName, grainId, grainState.ETag);
            }

            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        });

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() =>
        {
            if (grainState.ETag is not null)
            {
                var expected = ParseETag(grainState.ETag);
                using var connection = _database.Open();
                using var clear = Command(connection, "UPDATE grain_state SET version = $v, payload = $p WHERE service_id = $s AND state_name = $n AND grain_id = $g AND version = $e", stateName, grainId);
                clear.Parameters.AddWithValue("$v", expected + 1);
                clear.Parameters.AddWithValue("$p", Cleared);
                clear.Parameters.AddWithValue("$e", expected);
                Expect(clear.ExecuteNonQuery() == 1, "clear", stateName, grainId, grainState.ETag);
                grainState.ETag = (expected + 1).ToString(CultureInfo.InvariantCulture);
            }

            grainState.State = Activator.CreateInstance<T>();
            grainState.RecordExists = false;
        });

    private Task InitializeAsync(CancellationToken cancellationToken) =>
        Task.Run(
            () => _database.Create(
                """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS grain_state (
                    service_id TEXT NOT NULL,
                    state_name TEXT NOT NULL,
                    grain_id   TEXT NOT NULL,
                    version    INTEGER NOT NULL,
                    payload    BLOB NOT NULL,
                    PRIMARY KEY (service_id, state_name, grain_id)) WITHOUT ROWID;
                """),
            cancellationToken);

    private SqliteCommand Command(SqliteConnection connection, string sql, string stateName, GrainId grainId)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$s", _serviceId);
        command.Parameters.AddWithValue("$n", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        return command;
    }

    private static long ParseETag(string etag) => long.Parse(etag, NumberStyles.None, CultureInfo.InvariantCulture);

    private void Expect(bool ok, string operation, string stateName, GrainId grainId, string? etag)
    {
        if (!ok)
        {
            throw new InconsistentStateException(
                $"Grain storage '{_name}': {operation} of {stateName} for {grainId} with ETag '{etag ?? "(new)"}' lost to a newer write.",
                storedEtag: null,
                currentEtag: etag);
        }
    }
}
