namespace RaftOrleans.Raft.Storage.Sqlite;

public sealed class SqliteRaftStorageOptions
{
    /// <summary>Directory of the Raft databases (one file per peer, under one folder per service); the silos of one machine share it.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>How long a write waits for another process's write lock (a peer moving between silos) before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most writes to one peer's file committed together in one transaction and one fsync.</summary>
    public int MaxWritesPerCommit { get; set; } = 512;
}
