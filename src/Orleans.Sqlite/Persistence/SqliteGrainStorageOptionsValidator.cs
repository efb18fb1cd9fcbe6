using Microsoft.Extensions.Options;

namespace RaftOrleans.Sqlite.Persistence;

internal sealed class SqliteGrainStorageOptionsValidator : IValidateOptions<SqliteGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteGrainStorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            return ValidateOptionsResult.Fail($"Grain storage '{name}': {nameof(SqliteGrainStorageOptions.DatabasePath)} is required.");
        }

        return options.BusyTimeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"Grain storage '{name}': {nameof(SqliteGrainStorageOptions.BusyTimeout)} must be positive.")
            : ValidateOptionsResult.Success;
    }
}
