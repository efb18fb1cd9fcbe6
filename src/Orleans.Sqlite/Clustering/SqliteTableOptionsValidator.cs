using Microsoft.Extensions.Options;

namespace RaftOrleans.Sqlite.Clustering;

internal sealed class SqliteTableOptionsValidator : IValidateOptions<SqliteTableOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteTableOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            return ValidateOptionsResult.Fail($"SQLite {name} table: {nameof(SqliteTableOptions.DatabasePath)} is required.");
        }

        return options.BusyTimeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"SQLite {name} table: {nameof(SqliteTableOptions.BusyTimeout)} must be positive.")
            : ValidateOptionsResult.Success;
    }
}
