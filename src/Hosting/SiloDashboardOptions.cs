namespace RaftOrleans.Hosting;

/// <summary>
/// The Orleans dashboard's web UI (section "RaftOrleans:Dashboard"): off unless <see cref="Enabled"/>. Every silo
/// collects the dashboard's statistics, so that one silo's UI shows the whole cluster.
/// </summary>
public sealed class SiloDashboardOptions
{
    public const string SectionName = "RaftOrleans:Dashboard";

    public bool Enabled { get; set; }

    /// <summary>HTTP port of the dashboard; each silo on one machine that serves it needs its own.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Address the dashboard listens on; 127.0.0.1 keeps it off the network (it has no authentication).</summary>
    public string Address { get; set; } = "127.0.0.1";
}
