using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage.Sqlite;

/// <summary>
/// Raft storage in embedded SQLite databases, one file per peer: each claim and save is one transaction, fenced
/// inside it by the peer's incarnation. A peer has one owner at a time, so the silos of a machine never wait for
/// each other's write locks (with one shared file, the three peers of a group serialized their fsyncs, and a
/// lock waiter slept past the holder's commit). Writes to one file queued meanwhile commit together (one fsync).
/// Reads run on pooled connections, each in one read transaction (a consistent view).
/// </summary>
public sealed class SqliteRaftStorage : IRaftStorage, IDisposable
{
    private readonly SqliteRaftStorageOptions _options;
    private readonly string _serviceId;
    private readonly string _directory;
    private readonly ConcurrentDictionary<string, SqliteRaftWriter> _writers = new(StringComparer.Ordinal);
    private bool _disposed;

    public SqliteRaftStorage(SqliteRaftStorageOptions options, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _serviceId = serviceId;
        _directory = Path.Combine(Path.GetFullPath(options.Directory), FileName(serviceId));
    }

    /// <summary>Runs before each statement that writes, in every peer's file; tests fail one to crash a write half-way.</summary>
    internal Action? BeforeWrite { get; set; }

    public Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location) =>
        Guarded(peer, async () => await (await WriterAsync(peer)).Enqueue(statements => statements.Claim(peer, join, location)));

    public Task SaveAsync(string peer, long incarnation, RaftPeerWrite write) =>
        Guarded(peer, async () =>
        {
            if (!await (await WriterAsync(peer)).Enqueue(statements => statements.Save(peer, incarnation, write)))
            {
                throw new RaftStorageFencedException(peer, incarnation);
            }

            return true;
        });

    public Task RetireAsync(string peer, long incarnation, Membership successors) =>
        Guarded(peer, async () =>
        {
            if (!await (await WriterAsync(peer)).Enqueue(statements => statements.Retire(peer, incarnation, successors)))
            {
                throw new RaftStorageFencedException(peer, incarnation);
            }

            return true;
        });

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => Guarded(peer, () => ReadAsync(peer, statements => statements.ReadOwner(peer)));

    public Task<RaftPeerData> ReadAsync(string peer) => Guarded(peer, () => ReadAsync(peer, statements => statements.Read(peer)));

    /// <summary>
    /// The disk's refusals (full, failing, read-only, out of memory) become <see cref="RaftStorageUnavailableException"/>:
    /// every write is a transaction that SQLite rolls back when it fails, so nothing of it was written.
    /// </summary>
    private static async Task<T> Guarded<T>(string peer, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception) when (exception is SqliteException { SqliteErrorCode: 3 or 5 or 7 or 8 or 10 or 13 or 14 } or IOException or UnauthorizedAccessException)
        {
            throw RaftStorageUnavailableException.Of(peer, exception);
        }
    }

    /// <summary>Where <paramref name="peer"/>'s database lives: a readable name, made unique by a hash of the exact one.</summary>
    internal string PathOf(string peer) => Path.Combine(_directory, FileName(peer) + ".db");

    public void Dispose()
    {
        lock (_writers)
        {
            _disposed = true;
        }

        foreach (var writer in _writers.Values)
        {
            writer.Dispose();
        }

        _writers.Clear();
    }

    /// <summary>The peer's writer, opened (schema included) off the caller's thread the first time.</summary>
    private ValueTask<SqliteRaftWriter> WriterAsync(string peer)
    {
        if (_writers.TryGetValue(peer, out var known))
        {
            return ValueTask.FromResult(known);
        }

        return new ValueTask<SqliteRaftWriter>(Task.Run(() =>
        {
            lock (_writers)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_writers.TryGetValue(peer, out var writer))
                {
                    writer = SqliteRaftWriter.Acquire(PathOf(peer), _serviceId, _options.BusyTimeout, _options.MaxWritesPerCommit);
                    if (BeforeWrite is { } hook)
                    {
                        writer.BeforeWrite = hook;
                    }

                    _writers[peer] = writer;
                }

                return writer;
            }
        }));
    }

    private Task<T> ReadAsync<T>(string peer, Func<SqliteRaftStatements, T> read) =>
        Task.Run(() =>
        {
            var path = PathOf(peer);
            SqliteRaftSchema.EnsureCreated(path, _options.BusyTimeout);
            using var connection = SqliteRaftSchema.Open(SqliteRaftSchema.ConnectionString(path, pooled: true), _options.BusyTimeout);
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

    private static string FileName(string name)
    {
        var readable = new StringBuilder(name.Length);
        foreach (var c in name.Take(64))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 4);
        return $"{readable}-{hash}";
    }
}
