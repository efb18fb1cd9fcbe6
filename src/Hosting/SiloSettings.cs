using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RaftOrleans.KeyValue.Service;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.Raft.Hosting;

namespace RaftOrleans.Hosting;

/// <summary>
/// Every setting a deployer can change, one options type per section of the configuration: the silo host's, the
/// dashboard's and each feature's. A silo checks them all before it starts, so a bad value is one line and exit 2,
/// never a failed start; README's settings table lists exactly these (a test compares them).
/// </summary>
public static class SiloSettings
{
    /// <summary>The sections and their options types, in the order README lists them.</summary>
    public static IReadOnlyList<(string Section, Type Options)> Sections { get; } =
    [
        (SiloHostOptions.SectionName, typeof(SiloHostOptions)),
        (SiloDashboardOptions.SectionName, typeof(SiloDashboardOptions)),
        (RaftOptions.SectionName, typeof(RaftOptions)),
        (MapReduceOptions.SectionName, typeof(MapReduceOptions)),
        (KeyValueOptions.SectionName, typeof(KeyValueOptions)),
    ];

    /// <summary>Binds every section and runs its validator.</summary>
    /// <returns>One message per problem, naming the setting; empty when every value is valid.</returns>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        var errors = new List<string>();
        Check(configuration, SiloHostOptions.SectionName, new SiloHostOptionsValidator(), errors, prefixed: true);
        Check(configuration, SiloDashboardOptions.SectionName, new SiloDashboardOptionsValidator(), errors, prefixed: true);
        Check(configuration, RaftOptions.SectionName, new RaftOptionsValidator(), errors);
        Check(configuration, MapReduceOptions.SectionName, new MapReduceOptionsValidator(), errors);
        Check(configuration, KeyValueOptions.SectionName, new KeyValueOptionsValidator(), errors);
        return errors;
    }

    /// <param name="prefixed">The validator's messages name the section already.</param>
    private static void Check<T>(IConfiguration configuration, string section, IValidateOptions<T> validator, List<string> errors, bool prefixed = false)
        where T : class, new()
    {
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException exception)
        {
            // A value of the wrong type, e.g. RaftOrleans:Raft:TickPeriod=fast.
            errors.Add(exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message);
            return;
        }

        foreach (var failure in validator.Validate(null, options).Failures ?? [])
        {
            errors.Add(prefixed ? failure : $"{section}: {failure}");
        }
    }
}
