using RaftOrleans.Raft.Storage;
using RaftOrleans.Raft.Storage.Redis;
using RaftOrleans.Raft.Storage.Sqlite;
using RaftOrleans.TestSupport;
using StackExchange.Redis;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// A Raft store as the tests see it: opened the way a (re)started process opens it, over the same durable data,
/// with a <see cref="CrashPlan"/> wired to its write points: each SQL statement for SQLite, each call for stores
/// whose calls are indivisible (a Redis script, the memory store).
/// </summary>
public abstract class StoreUnderTest : IDisposable
{
    public CrashPlan Plan { get; } = new();

    public static StoreUnderTest Create(string kind) => kind switch
    {
        "sqlite" => new Sqlite(),
        "memory" => new Memory(),
        "redis" => new Redis(),
        "non-atomic" => new NonAtomic(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public abstract IRaftStorage Open();

    public virtual Task CloseAsync(IRaftStorage storage) => Task.CompletedTask;

    public virtual void Dispose()
    {
    }

    private sealed class Sqlite : StoreUnderTest
    {
        private readonly TempDirectory _directory = new("raft-store");

        public override IRaftStorage Open()
        {
            var storage = new SqliteRaftStorage(new SqliteRaftStorageOptions { Directory = _directory.Sub("raft") }, "test");
            storage.BeforeWrite = Plan.Reach;
            return storage;
        }

        public override Task CloseAsync(IRaftStorage storage)
        {
            // The last user of the file closes its writer: the next Open starts a new connection, as a new process would.
            ((SqliteRaftStorage)storage).Dispose();
            return Task.CompletedTask;
        }

        public override void Dispose() => _directory.Dispose();
    }

    private sealed class Memory : StoreUnderTest
    {
        private readonly MemoryRaftStorage _durable = new();

        public override IRaftStorage Open() => new CrashingRaftStorage(_durable, Plan);
    }

    private sealed class Redis : StoreUnderTest
    {
        private readonly string _service = $"test-{Guid.NewGuid():N}";
        private readonly Dictionary<IRaftStorage, RedisRaftStorage> _open = [];

        public override IRaftStorage Open()
        {
            var inner = new RedisRaftStorage(ConfigurationOptions.Parse(TestRedis.ConnectionString), _service);
            var storage = new CrashingRaftStorage(inner, Plan);
            _open[storage] = inner;
            return storage;
        }

        public override async Task CloseAsync(IRaftStorage storage)
        {
            if (_open.Remove(storage, out var inner))
            {
                await inner.DisposeAsync();
            }
        }
    }

    private sealed class NonAtomic : StoreUnderTest
    {
        private readonly NonAtomicRaftStorage _storage;

        public NonAtomic() => _storage = new NonAtomicRaftStorage(Plan);

        public override IRaftStorage Open() => _storage;
    }
}
