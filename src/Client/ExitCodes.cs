namespace RaftOrleans.Client;

/// <summary>The client's exit codes; the silo uses the same table (README, "Exit codes").</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A job failed, a compare-and-swap did not match, or an unexpected error.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a parse error, a missing file, an unsafe output directory; nothing was changed.</summary>
    public const int InvalidInput = 2;

    /// <summary>The cluster (or its Redis, or a group's majority) did not answer.</summary>
    public const int ClusterUnavailable = 3;

    /// <summary>Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
