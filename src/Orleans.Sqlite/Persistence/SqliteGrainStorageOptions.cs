namespace RaftOrleans.Sqlite.Persistence;

public sealed class SqliteGrainStorageOptions
{
    /// <summary>Path of the database file; several silos on one machine may share it.</summary>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>How long a writer waits for another process's write lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
