using Microsoft.Data.Sqlite;

namespace RaftOrleans.Sqlite;

/// <summary>
/// One SQLite database file of the embedded stores (grain state, grain directory, membership, reminders): pooled
/// connections, each opened with the store's durability and a busy timeout that Microsoft.Data.Sqlite's own retry
/// of a busy database follows too.
/// </summary>
internal sealed class SqliteDatabase(string path, TimeSpan busyTimeout, bool fullSync)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = System.IO.Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
    }.ToString();

    private readonly string _pragmas =
        $"PRAGMA synchronous = {(fullSync ? "FULL" : "NORMAL")}; PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};";

    public string FullPath => System.IO.Path.GetFullPath(path);

    /// <summary>Creates the file's directory and runs <paramref name="schema"/> (idempotent DDL).</summary>
    public void Create(string schema)
    {
        SqliteFiles.CreateDirectoryFor(_connectionString);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = schema;
        command.ExecuteNonQuery();
    }

    /// <summary>A command in <paramref name="transaction"/> with the cluster's id bound to <c>$c</c>: every row of a shared table belongs to one cluster.</summary>
    public static SqliteCommand ClusterCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql, string clusterId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", clusterId);
        return command;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = _pragmas;
        pragmas.ExecuteNonQuery();
        return connection;
    }
}
