using Microsoft.Extensions.Options;

namespace RaftOrleans.MapReduce.Hosting;

public sealed class MapReduceOptionsValidator : IValidateOptions<MapReduceOptions>
{
    public ValidateOptionsResult Validate(string? name, MapReduceOptions options)
    {
        var errors = new List<string>();
        if (options.TaskTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(MapReduceOptions.TaskTimeout)} must be positive (was {options.TaskTimeout}).");
        }

        if (options.CheckPeriod <= TimeSpan.Zero || options.CheckPeriod > options.TaskTimeout)
        {
            errors.Add($"{nameof(MapReduceOptions.CheckPeriod)} must be positive and at most the task timeout (was {options.CheckPeriod}).");
        }

        if (options.ProgressPeriod <= TimeSpan.Zero || options.ProgressPeriod * 2 > options.TaskTimeout)
        {
            errors.Add($"{nameof(MapReduceOptions.ProgressPeriod)} must be positive and at most half the task timeout (was {options.ProgressPeriod}).");
        }

        if (options.SplitBytes < 1 << 16)
        {
            errors.Add($"{nameof(MapReduceOptions.SplitBytes)} must be at least 64 KiB (was {options.SplitBytes}).");
        }

        if (options.MaxTaskFailures < 1)
        {
            errors.Add($"{nameof(MapReduceOptions.MaxTaskFailures)} must be at least 1 (was {options.MaxTaskFailures}).");
        }

        if (options.MaxReduceTasks < 1)
        {
            errors.Add($"{nameof(MapReduceOptions.MaxReduceTasks)} must be at least 1 (was {options.MaxReduceTasks}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
