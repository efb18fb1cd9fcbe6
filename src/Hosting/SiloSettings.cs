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

    /// <summary>The clients' <c>RaftOrleans:Cluster</c> (their default gateways): a silo's environment may hold it too.</summary>
    private const string ClientClusterKey = $"{SiloHostOptions.SectionName}:Cluster";

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

    /// <summary>
    /// Settings no silo reads: under <c>RaftOrleans</c> from any source, and any command-line key outside it (but
    /// <c>Logging</c>), each with the nearest known name. A misspelt setting would otherwise be dropped without a word.
    /// </summary>
    /// <param name="commandLineKeys">The keys the command line gave (<c>--bogus</c> is key <c>bogus</c>).</param>
    public static IReadOnlyList<string> Unknown(IConfiguration configuration, IEnumerable<string> commandLineKeys)
    {
        var known = Sections
            .SelectMany(s => s.Options.GetProperties().Where(p => p.CanWrite).Select(p => $"{s.Section}:{p.Name}"))
            .Append(ClientClusterKey)
            .ToList();
        var sections = Sections.Select(s => s.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var given = configuration.GetSection(SiloHostOptions.SectionName).AsEnumerable()
            .Where(pair => pair.Value is not null)
            .Select(pair => pair.Key)
            .Concat(commandLineKeys.Where(key => !key.StartsWith($"{SiloHostOptions.SectionName}:", StringComparison.OrdinalIgnoreCase)
                && !key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase)));
        return given
            .Where(key => !sections.Contains(key) && !known.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(key => NearestName.To(key, known) is { } nearest
                ? $"Unknown setting '{key}'; did you mean '{nearest}'?"
                : $"Unknown setting '{key}'.")
            .ToList();
    }

    /// <summary>
    /// The setting names on a command line (<c>--Key=value</c>, <c>--Key value</c>, <c>/Key=value</c>), and every other
    /// word that is no value, such as a lone <c>--bogus</c> (the configuration's own reader drops those silently).
    /// </summary>
    public static IEnumerable<string> CommandLineKeys(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var key = token.TrimStart('-', '/');
            var equals = key.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                yield return key[..equals];
                continue;
            }

            yield return key;
            if (token.StartsWith('-') || token.StartsWith('/'))
            {
                // "--Key value": the next word is the value.
                i += i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? 1 : 0;
            }
        }
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
