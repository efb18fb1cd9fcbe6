using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RaftOrleans.Raft.Storage.Sqlite;

/// <summary>
/// The tables of the Raft store and how connections to it are opened. One row per peer (owner, group, term and
/// vote), one per snapshot, one per log entry: an append inserts rows, a truncation or compaction deletes a
/// range, so no write rewrites what it does not change. Pages of 1 KiB: a commit writes each page it dirtied to
/// the WAL, and an append dirties about one.
/// </summary>
internal static class SqliteRaftSchema
{
    public const string Create =
        """
        PRAGMA page_size = 1024;
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS raft_peer (
            id          INTEGER PRIMARY KEY,
            service_id  TEXT    NOT NULL,
            peer        TEXT    NOT NULL,
            incarnation INTEGER NOT NULL,
            location    TEXT,
            grp         BLOB,
            term        INTEGER NOT NULL,
            voted_for   TEXT,
            successors  BLOB,
            UNIQUE (service_id, peer));
        CREATE TABLE IF NOT EXISTS raft_snapshot (
            peer_id INTEGER PRIMARY KEY,
            idx     INTEGER NOT NULL,
            term    INTEGER NOT NULL,
            data    BLOB    NOT NULL,
            members BLOB);
        CREATE TABLE IF NOT EXISTS raft_entry (
            id      INTEGER PRIMARY KEY,
            term    INTEGER NOT NULL,
            kind    INTEGER NOT NULL,
            command BLOB    NOT NULL);
        """;

    /// <summary>Bits of an entry's row id that hold its log index; the peer's row id is above them.</summary>
    public const int IndexBits = 40;

    /// <summary>The highest log index a row id can hold (about 10^12 entries per peer).</summary>
    public const long MaxIndex = (1L << IndexBits) - 1;

    /// <summary>The highest peer row id the entries' row ids can hold (about 8 million peers per database, which holds one).</summary>
    public const long MaxPeerId = (1L << (63 - IndexBits)) - 1;

    /// <summary>
    /// The row id of a peer's entry: peer and index in one integer key, so the log is one table B-tree ordered by
    /// (peer, index), appends go to its right edge, and a row up to a page long stays on its page (the index
    /// B-tree of a two-column key would spill any row past about a quarter page into overflow pages).
    /// </summary>
    public static long EntryId(long peerId, long index) => (peerId << IndexBits) + index;

    /// <summary>Database files whose tables this process has made sure of.</summary>
    private static readonly ConcurrentDictionary<string, bool> Created = new(StringComparer.Ordinal);

    /// <summary>Held while this process creates or upgrades a file's tables (a peer's reader and writer may both start to).</summary>
    private static readonly Lock Creating = new();

    /// <summary>Creates the file and its tables unless this process already has; safe against other processes doing the same.</summary>
    public static void EnsureCreated(string path, TimeSpan busyTimeout)
    {
        var full = Path.GetFullPath(path);
        if (Created.ContainsKey(full))
        {
            return;
        }

        lock (Creating)
        {
            if (!Created.ContainsKey(full))
            {
                CreateTables(full, busyTimeout);
            }
        }
    }

    private static void CreateTables(string full, TimeSpan busyTimeout)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var connectionString = ConnectionString(full, pooled: false);
        using (var connection = Open(connectionString, busyTimeout))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = Create;
            command.CommandTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds);
            command.ExecuteNonQuery();

            // Another process may upgrade the same file at once: the check and the change hold its write lock together.
            Execute(connection, "BEGIN IMMEDIATE");
            AddColumn(connection, "raft_snapshot", "members", "BLOB");
            AddColumn(connection, "raft_peer", "successors", "BLOB");
            Execute(connection, "COMMIT");
        }

        Created[full] = true;
    }

    /// <summary>
    /// A database of a release before membership changes lacks the snapshot's configuration (null: the initial one) and
    /// a removed peer's successors (null: a member): add the column. Table and column names are this class's constants.
    /// </summary>
    private static void AddColumn(SqliteConnection connection, string table, string column, string type)
    {
        using var columns = connection.CreateCommand();
        columns.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if ((long)columns.ExecuteScalar()! == 0)
        {
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type}";
            alter.ExecuteNonQuery();
        }
    }

    public static string ConnectionString(string path, bool pooled) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = pooled,
    }.ToString();

    /// <summary>
    /// Opens a connection whose commits are on disk when they return (WAL, synchronous=FULL). The writer waits for
    /// other processes' locks itself, so its connection gets no busy timeout; readers rarely wait at all in WAL mode.
    /// </summary>
    public static SqliteConnection Open(string connectionString, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = $"PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// Runs transaction control directly on the connection's handle: Microsoft.Data.Sqlite's own transactions
    /// would retry a busy lock with its fixed sleeps, and require every command to name its transaction.
    /// </summary>
    public static void Execute(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_exec(connection.Handle, sql);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"Raft storage: {sql} failed: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
        }
    }
}
