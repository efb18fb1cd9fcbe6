using System.Net;
using Microsoft.Extensions.Options;

namespace RaftOrleans.Hosting;

public sealed class SiloDashboardOptionsValidator : IValidateOptions<SiloDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloDashboardOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"{SiloDashboardOptions.SectionName}:{nameof(SiloDashboardOptions.Port)} must be a TCP port, 1-65535 (was {options.Port}).");
        }

        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"{SiloDashboardOptions.SectionName}:{nameof(SiloDashboardOptions.Address)} must be an IP address, e.g. 127.0.0.1 or 0.0.0.0 (was '{options.Address}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
