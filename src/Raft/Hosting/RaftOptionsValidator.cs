using Microsoft.Extensions.Options;

namespace RaftOrleans.Raft.Hosting;

public sealed class RaftOptionsValidator : IValidateOptions<RaftOptions>
{
    public ValidateOptionsResult Validate(string? name, RaftOptions options)
    {
        var errors = new List<string>();
        if (options.TickPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RaftOptions.TickPeriod)} must be positive.");
        }

        if (options.OwnershipCheckPeriod <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RaftOptions.OwnershipCheckPeriod)} must be positive.");
        }

        if (options.AddressCacheTtl <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RaftOptions.AddressCacheTtl)} must be positive.");
        }

        if (options.RebalancePeriod < TimeSpan.Zero)
        {
            errors.Add($"{nameof(RaftOptions.RebalancePeriod)} must be zero (never) or positive.");
        }

        if (options.MetricsLogPeriod < TimeSpan.Zero)
        {
            errors.Add($"{nameof(RaftOptions.MetricsLogPeriod)} must be zero (never) or positive.");
        }

        if (options.HeartbeatTicks < 1 || options.ElectionTicks <= options.HeartbeatTicks)
        {
            errors.Add($"Need 1 <= {nameof(RaftOptions.HeartbeatTicks)} < {nameof(RaftOptions.ElectionTicks)} (were {options.HeartbeatTicks}, {options.ElectionTicks}).");
        }

        if (options.MaxEntriesPerAppend < 1 || options.MaxInflightAppends < 1)
        {
            errors.Add("Append batch and in-flight sizes must be at least 1.");
        }

        if (options.SnapshotEveryEntries < 0 || options.SnapshotAfterBytes < 0)
        {
            errors.Add($"{nameof(RaftOptions.SnapshotEveryEntries)} and {nameof(RaftOptions.SnapshotAfterBytes)} must be 0 (never) or positive.");
        }

        if (!(options.SnapshotLogToStateRatio >= 0) || double.IsInfinity(options.SnapshotLogToStateRatio))
        {
            errors.Add($"{nameof(RaftOptions.SnapshotLogToStateRatio)} must be 0 (thresholds alone) or a positive number (was {options.SnapshotLogToStateRatio}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
