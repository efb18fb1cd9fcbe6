namespace RaftOrleans.Grains.Raft.Storage.Sqlite;

public sealed class SqliteRaftStorageOptions
{
    /// <summary>Path of the database file; the silos of one machine share it.</summary>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>How long a write waits for another process's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most writes (of any peers of this process) committed together in one transaction and one fsync.</summary>
    public int MaxWritesPerCommit { get; set; } = 512;
}
