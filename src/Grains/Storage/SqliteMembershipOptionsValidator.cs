using Microsoft.Extensions.Options;

namespace RaftOrleans.Grains.Storage;

internal sealed class SqliteMembershipOptionsValidator : IValidateOptions<SqliteMembershipOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteMembershipOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            return ValidateOptionsResult.Fail($"SQLite clustering: {nameof(SqliteMembershipOptions.DatabasePath)} is required.");
        }

        return options.BusyTimeout <= TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"SQLite clustering: {nameof(SqliteMembershipOptions.BusyTimeout)} must be positive.")
            : ValidateOptionsResult.Success;
    }
}
