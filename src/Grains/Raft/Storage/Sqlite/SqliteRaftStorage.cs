using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Raft.Storage.Sqlite;

/// <summary>
/// Raft storage in an embedded SQLite database: each claim and save is one transaction, fenced inside it by the
/// peer's incarnation, and committed together with the other writes of this process that are waiting (one
/// fsync for all). Reads run on pooled connections, each in one read transaction (a consistent view).
/// </summary>
public sealed class SqliteRaftStorage : IRaftStorage, IDisposable
{
    private readonly SqliteRaftWriter _writer;
    private readonly string _readConnection;
    private readonly string _serviceId;
    private readonly TimeSpan _busyTimeout;

    public SqliteRaftStorage(SqliteRaftStorageOptions options, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _serviceId = serviceId;
        _busyTimeout = options.BusyTimeout;
        _writer = SqliteRaftWriter.Acquire(options.DatabasePath, serviceId, options.BusyTimeout, options.MaxWritesPerCommit);
        _readConnection = SqliteRaftSchema.ConnectionString(options.DatabasePath, pooled: true);
    }

    /// <summary>The shared writer's counters (commits, writes, lock waits), for metrics and benchmarks.</summary>
    internal SqliteRaftWriter Writer => _writer;

    public Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location) =>
        _writer.Enqueue(statements => statements.Claim(peer, join, location));

    public async Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        if (!await _writer.Enqueue(statements => statements.Save(peer, incarnation, write)))
        {
            throw new RaftStorageFencedException(peer, incarnation);
        }
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => ReadAsync(statements => statements.ReadOwner(peer));

    public Task<RaftPeerData> ReadAsync(string peer) => ReadAsync(statements => statements.Read(peer));

    public void Dispose() => _writer.Dispose();

    private Task<T> ReadAsync<T>(Func<SqliteRaftStatements, T> read) =>
        Task.Run(() =>
        {
            using var connection = SqliteRaftSchema.Open(_readConnection, _busyTimeout);
            using var statements = new SqliteRaftStatements(connection, _serviceId);
            SqliteRaftSchema.Execute(connection, "BEGIN");
            try
            {
                return read(statements);
            }
            finally
            {
                SqliteRaftSchema.Execute(connection, "COMMIT");
            }
        });
}
