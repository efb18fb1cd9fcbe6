using Microsoft.Data.Sqlite;

namespace RaftOrleans.Sqlite;

/// <summary>What every SQLite store here does before its first connection: make sure the file's directory exists.</summary>
internal static class SqliteFiles
{
    public static void CreateDirectoryFor(string connectionString)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
