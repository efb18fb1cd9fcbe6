using Microsoft.Extensions.Configuration;
using RaftOrleans.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// The client's defaults, read like the silo's settings: section <c>RaftOrleans</c> of <c>appsettings.json</c>
/// beside the binary, then environment variables (<c>RaftOrleans__Redis</c>, <c>RaftOrleans__Cluster</c>, ...);
/// the command line's <c>--redis</c> / <c>--cluster</c> override both.
/// </summary>
internal static class ClientSettings
{
    private static readonly Lazy<IConfigurationSection> Section = new(() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build()
        .GetSection(SiloHostOptions.SectionName));

    /// <summary>Gateways of the cluster to use when the command line names none (<c>RaftOrleans:Cluster</c>).</summary>
    public static string? Cluster => NonEmpty(Section.Value["Cluster"]);

    /// <summary>Redis of the cluster to use when the command line names none (<c>RaftOrleans:Redis</c>, as the silos').</summary>
    public static string? Redis => NonEmpty(Section.Value[nameof(SiloHostOptions.Redis)]);

    public static string ClusterId => NonEmpty(Section.Value[nameof(SiloHostOptions.ClusterId)]) ?? new SiloHostOptions().ClusterId;

    public static string ServiceId => NonEmpty(Section.Value[nameof(SiloHostOptions.ServiceId)]) ?? new SiloHostOptions().ServiceId;

    public static string DataDirectory => NonEmpty(Section.Value[nameof(SiloHostOptions.DataDirectory)]) ?? SiloHostOptions.DefaultDataDirectory;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
