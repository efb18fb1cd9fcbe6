namespace RaftOrleans.Sqlite.Clustering;

/// <summary>Where one of Orleans' cluster tables (membership, reminders) lives in SQLite.</summary>
public sealed class SqliteTableOptions
{
    /// <summary>Path of the database file; the silos of one machine share it.</summary>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>How long a write waits for another process's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
