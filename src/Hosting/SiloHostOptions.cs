namespace RaftOrleans.Hosting;

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

    /// <summary>
    /// A cluster of this one silo (the client's embedded silo): its membership and reminders live in memory and die
    /// with it. Otherwise, without Redis, the silos of one machine share them in <see cref="MembershipDatabasePath"/>
    /// and <see cref="RemindersDatabasePath"/>.
    /// </summary>
    public bool SingleSilo { get; set; }

    /// <summary>Directory of the embedded durable store (SQLite), shared by the silos of one machine.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>
    /// A StackExchange.Redis connection string (e.g. <c>redis1:6379,redis2:6379,password=…</c>). When set, the silo
    /// uses Redis for cluster membership, grain storage and reminders, and silos on many hosts form one cluster;
    /// when empty, the embedded SQLite stores, membership table included.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>The address other silos and clients reach this silo at (Redis mode; localhost mode is always 127.0.0.1).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>Listen on every interface rather than only on <see cref="AdvertisedIPAddress"/> (Redis mode, e.g. behind NAT).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// Declare a silo dead after 2 missed probes of 1 s each instead of Orleans' defaults (3 of 5 s): a killed
    /// silo's grains come back in ~2-3 s instead of ~10 s, at the price of false suspicions on a loaded or
    /// slow network. Every silo of a cluster should use the same setting.
    /// </summary>
    public bool FastFailureDetection { get; set; }

    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "raft-orleans");

    /// <summary>The grain state of MapReduce jobs.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "grains.db");

    /// <summary>The Raft peers' term, vote, log and snapshot (<see cref="Raft.Storage.IRaftStorage"/>), a file per peer.</summary>
    public string RaftDirectory => Path.Combine(DataDirectory, "raft");

    /// <summary>Which silos of the cluster are alive (Orleans' membership table), when not <see cref="SingleSilo"/>.</summary>
    public string MembershipDatabasePath => Path.Combine(DataDirectory, "membership.db");

    /// <summary>The service's reminders, when not <see cref="SingleSilo"/>.</summary>
    public string RemindersDatabasePath => Path.Combine(DataDirectory, "reminders.db");

    /// <summary>Where the Raft peers' activations are found (<see cref="Raft.Hosting.DirectoryNames.RaftPeers"/>).</summary>
    public string DirectoryDatabasePath => Path.Combine(DataDirectory, "directory.db");

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}
