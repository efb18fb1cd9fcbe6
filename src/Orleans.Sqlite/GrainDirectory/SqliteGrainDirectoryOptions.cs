namespace RaftOrleans.Sqlite.GrainDirectory;

public sealed class SqliteGrainDirectoryOptions
{
    /// <summary>Path of the database file; the silos of one machine share it.</summary>
    public string DatabasePath { get; set; } = string.Empty;

    /// <summary>How long a registration waits for another process's write lock before it fails.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
