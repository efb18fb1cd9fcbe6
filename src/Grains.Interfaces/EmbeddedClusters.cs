using System.Diagnostics;
using System.Globalization;

namespace RaftOrleans.Grains.Interfaces;

/// <summary>
/// The one-silo cluster a client embeds when it names no cluster: its ClusterId is this prefix, the client's process
/// id and the process's start time (so that a reused process id is not taken for it), and it ends with that client
/// (a job submitted through it runs only while the client does). Embedded silos share one machine's SQLite store, so
/// whether one still runs is a question about a local process.
/// </summary>
public static class EmbeddedClusters
{
    public const string Prefix = "embedded-";

    public static bool IsEmbedded(string clusterId) => clusterId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The ClusterId of an embedded silo in this process.</summary>
    public static string ForThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return $"{Prefix}{Environment.ProcessId}-{StartSecond(self).ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The client process of an embedded cluster, or null when <paramref name="clusterId"/> names none.</summary>
    public static int? ProcessOf(string clusterId) =>
        IsEmbedded(clusterId) && int.TryParse(Digits(clusterId), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>Whether the client process of an embedded cluster still runs on this machine.</summary>
    public static bool IsAlive(string clusterId)
    {
        if (ProcessOf(clusterId) is not { } pid)
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            var started = clusterId.LastIndexOf('-') is var dash && dash > Prefix.Length
                && long.TryParse(clusterId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var second)
                    ? second
                    : (long?)null;

            // A process id alone may have been reused since; its start time tells (to a second either way).
            return !process.HasExited && (started is null || Math.Abs(StartSecond(process) - started.Value) <= 1);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static ReadOnlySpan<char> Digits(string clusterId)
    {
        var rest = clusterId.AsSpan(Prefix.Length);
        var dash = rest.IndexOf('-');
        return dash < 0 ? rest : rest[..dash];
    }

    private static long StartSecond(Process process) => process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;
}
