namespace RaftOrleans.Grains.Interfaces;

/// <summary>
/// The one-silo cluster a client embeds when it names no cluster: its ClusterId is this prefix and the client's
/// process id, and it ends with that client (a job submitted through it runs only while the client does).
/// </summary>
public static class EmbeddedClusters
{
    public const string Prefix = "embedded-";

    public static bool IsEmbedded(string clusterId) => clusterId.StartsWith(Prefix, StringComparison.Ordinal);
}
