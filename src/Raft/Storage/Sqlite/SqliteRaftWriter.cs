using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RaftOrleans.Raft.Diagnostics;
using SQLitePCL;

namespace RaftOrleans.Raft.Storage.Sqlite;

/// <summary>
/// The one writer of a Raft database file in this process: a dedicated thread with one connection that commits
/// every write queued meanwhile, from any silo of the process, in one transaction and one fsync (group commit). A write that fails is rolled back to its savepoint alone; the others of its batch still commit.
/// Another process writes the same file only while a peer moves between them; this writer then waits for the lock
/// itself, a short spin first, because SQLite's busy handler sleeps in steps of up to 100 ms while a commit holds
/// the lock for about one fsync.
/// </summary>
internal sealed class SqliteRaftWriter : IDisposable
{
    private static readonly Dictionary<string, SqliteRaftWriter> Shared = new(StringComparer.Ordinal);

    private readonly BlockingCollection<Pending> _queue = [];
    private readonly string _key;
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly int _maxBatch;
    private readonly SqliteConnection _connection;
    private readonly SqliteRaftStatements _statements;
    private readonly Thread _thread;
    private int _users;
    private long _commits;
    private long _writes;
    private long _busyWaits;

    private SqliteRaftWriter(string key, string path, string serviceId, TimeSpan busyTimeout, int maxBatch)
    {
        _key = key;
        _path = path;
        _busyTimeout = busyTimeout;
        _maxBatch = maxBatch;
        SqliteRaftSchema.EnsureCreated(path, busyTimeout);
        _connection = SqliteRaftSchema.Open(SqliteRaftSchema.ConnectionString(path, pooled: false), TimeSpan.Zero);
        _statements = new SqliteRaftStatements(_connection, serviceId);
        _thread = new Thread(Run) { IsBackground = true, Name = "raft-sqlite-writer" };
        _thread.Start();
    }

    /// <summary>Runs before each statement that writes; tests fail one to crash a write half-way.</summary>
    internal Action? BeforeWrite
    {
        get => _statements.BeforeWrite;
        set => _statements.BeforeWrite = value;
    }

    /// <summary>Commits so far, and writes they carried: their ratio is the group-commit factor.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Commits that found another process holding the write lock and waited for it.</summary>
    public long BusyWaits => Interlocked.Read(ref _busyWaits);

    /// <summary>The writer of <paramref name="path"/> for <paramref name="serviceId"/>, shared by every user in this process.</summary>
    public static SqliteRaftWriter Acquire(string path, string serviceId, TimeSpan busyTimeout, int maxBatch)
    {
        var key = $"{Path.GetFullPath(path)}\n{serviceId}";
        lock (Shared)
        {
            if (!Shared.TryGetValue(key, out var writer))
            {
                writer = new SqliteRaftWriter(key, path, serviceId, busyTimeout, maxBatch);
                Shared[key] = writer;
            }

            writer._users++;
            return writer;
        }
    }

    public Task<T> Enqueue<T>(Func<SqliteRaftStatements, T> write)
    {
        var pending = new Pending<T>(write);
        try
        {
            _queue.Add(pending);
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteRaftWriter), "The Raft storage was shut down."));
        }

        return pending.Task;
    }

    /// <summary>Releases one user; the last one stops the thread once the queued writes are done.</summary>
    public void Dispose()
    {
        lock (Shared)
        {
            if (--_users > 0)
            {
                return;
            }

            Shared.Remove(_key);
        }

        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
        _statements.Dispose();
        _connection.Dispose();
    }

    private void Run()
    {
        var batch = new List<Pending>(_maxBatch);
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < _maxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            Commit(_connection, _statements, batch);
            batch.Clear();
        }
    }

    private void Commit(SqliteConnection connection, SqliteRaftStatements statements, List<Pending> batch)
    {
        try
        {
            Begin(connection);
        }
        catch (Exception exception)
        {
            batch.ForEach(p => p.Fail(exception));
            return;
        }

        var done = new List<Pending>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            try
            {
                SqliteRaftSchema.Execute(connection, "SAVEPOINT raft_write");
                pending.Run(statements);
                SqliteRaftSchema.Execute(connection, "RELEASE raft_write");
                done.Add(pending);
            }
            catch (Exception exception)
            {
                if (raw.sqlite3_get_autocommit(connection.Handle) != 0 || !TryRollbackTo(connection))
                {
                    // SQLite ended the whole transaction itself (a full disk, an I/O error): nothing of it was written.
                    TryRollback(connection);
                    foreach (var lost in done.Concat(batch.Skip(i)))
                    {
                        lost.Fail(exception);
                    }

                    return;
                }

                pending.Fail(exception);
            }
        }

        try
        {
            SqliteRaftSchema.Execute(connection, "COMMIT");
        }
        catch (Exception exception)
        {
            TryRollback(connection);
            done.ForEach(p => p.Fail(exception));
            return;
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writes, done.Count);
        RaftMetrics.StorageTransactions.Add(1, new KeyValuePair<string, object?>(RaftMetrics.StorageTag, "sqlite"));
        done.ForEach(p => p.Complete());
    }

    /// <summary>Undoes one write inside the transaction; false when the transaction is gone.</summary>
    private static bool TryRollbackTo(SqliteConnection connection)
    {
        try
        {
            SqliteRaftSchema.Execute(connection, "ROLLBACK TO raft_write");
            SqliteRaftSchema.Execute(connection, "RELEASE raft_write");
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>BEGIN IMMEDIATE, waiting for another process's write lock: yields first, then 1 ms sleeps.</summary>
    private void Begin(SqliteConnection connection)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_busyTimeout.TotalSeconds * Stopwatch.Frequency);
        for (var attempt = 0; ; attempt++)
        {
            var rc = raw.sqlite3_exec(connection.Handle, "BEGIN IMMEDIATE");
            if (rc == raw.SQLITE_OK)
            {
                return;
            }

            if (rc != raw.SQLITE_BUSY || Stopwatch.GetTimestamp() > deadline)
            {
                throw new SqliteException($"Raft storage: cannot begin a write on {_path}: {raw.sqlite3_errmsg(connection.Handle).utf8_to_string()}", rc);
            }

            if (attempt == 0)
            {
                Interlocked.Increment(ref _busyWaits);
                RaftMetrics.StorageLockWaits.Add(1);
            }

            if (attempt < 64)
            {
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(1); // dedicated thread
            }
        }
    }

    private static void TryRollback(SqliteConnection connection)
    {
        if (raw.sqlite3_get_autocommit(connection.Handle) == 0)
        {
            raw.sqlite3_exec(connection.Handle, "ROLLBACK");
        }
    }

    private abstract class Pending
    {
        public abstract void Run(SqliteRaftStatements statements);

        public abstract void Complete();

        public abstract void Fail(Exception exception);
    }

    private sealed class Pending<T>(Func<SqliteRaftStatements, T> write) : Pending
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public override void Run(SqliteRaftStatements statements) => _result = write(statements);

        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);
    }
}
