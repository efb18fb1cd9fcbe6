using Microsoft.Extensions.Options;

namespace RaftOrleans.KeyValue.Service;

public sealed class KeyValueOptionsValidator : IValidateOptions<KeyValueOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyValueOptions options) =>
        options.MaxKeyLength < 1 || options.MaxValueLength < 0 || options.MaxScanLimit < 1
            ? ValidateOptionsResult.Fail($"{nameof(KeyValueOptions.MaxKeyLength)} and {nameof(KeyValueOptions.MaxScanLimit)} must be at least 1, {nameof(KeyValueOptions.MaxValueLength)} at least 0 (were {options.MaxKeyLength}, {options.MaxScanLimit}, {options.MaxValueLength}).")
            : ValidateOptionsResult.Success;
}
