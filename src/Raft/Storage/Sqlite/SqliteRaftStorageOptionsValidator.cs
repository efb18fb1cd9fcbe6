using Microsoft.Extensions.Options;

namespace RaftOrleans.Raft.Storage.Sqlite;

internal sealed class SqliteRaftStorageOptionsValidator : IValidateOptions<SqliteRaftStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteRaftStorageOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            errors.Add($"Raft storage: {nameof(SqliteRaftStorageOptions.Directory)} is required.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Raft storage: {nameof(SqliteRaftStorageOptions.BusyTimeout)} must be positive.");
        }

        if (options.MaxWritesPerCommit < 1)
        {
            errors.Add($"Raft storage: {nameof(SqliteRaftStorageOptions.MaxWritesPerCommit)} must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
