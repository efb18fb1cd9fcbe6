using System.Net;
using Microsoft.Extensions.Options;

namespace RaftOrleans.Hosting;

public sealed class SiloHostOptionsValidator : IValidateOptions<SiloHostOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloHostOptions options)
    {
        var errors = new List<string>();
        CheckPort(errors, nameof(SiloHostOptions.SiloPort), options.SiloPort);
        CheckPort(errors, nameof(SiloHostOptions.GatewayPort), options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            errors.Add($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.SiloPort)} and {nameof(SiloHostOptions.GatewayPort)} must differ (both {options.SiloPort}).");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            errors.Add($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.ClusterId)} and {nameof(SiloHostOptions.ServiceId)} are required.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.DataDirectory)} is required.");
        }

        if (options.UsesRedis && SiloHostRedis.TryParse(options.Redis!, out var redisError) is null)
        {
            errors.Add($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.Redis)}: {redisError}");
        }

        if (!IPAddress.TryParse(options.AdvertisedIPAddress, out _))
        {
            errors.Add($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.AdvertisedIPAddress)} must be an IP address (was '{options.AdvertisedIPAddress}').");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPort(List<string> errors, string name, int port)
    {
        if (port is < 1 or > 65535)
        {
            errors.Add($"{SiloHostOptions.SectionName}:{name} must be a TCP port, 1-65535 (was {port}).");
        }
    }
}
