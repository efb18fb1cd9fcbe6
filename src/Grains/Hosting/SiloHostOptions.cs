namespace RaftOrleans.Grains.Hosting;

/// <summary>How a silo joins its cluster and where it keeps durable state (section "RaftOrleans" of the configuration).</summary>
public sealed class SiloHostOptions
{
    public const string SectionName = "RaftOrleans";

    public string ClusterId { get; set; } = "raft-orleans";

    public string ServiceId { get; set; } = "raft-orleans";

    /// <summary>Silo-to-silo port; each silo on one machine needs its own.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients connect to; each silo on one machine needs its own.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo port of the silo that the others join (localhost clustering only).</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>Directory of the embedded durable store (SQLite), shared by the silos of one machine.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "raft-orleans");

    public string DatabasePath => Path.Combine(DataDirectory, "grains.db");
}
