namespace RaftOrleans.Silo;

/// <summary>The silo process's exit codes.</summary>
internal static class SiloExitCodes
{
    /// <summary>Stopped on request (SIGTERM, Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>The silo failed to start or stopped on an error.</summary>
    public const int Failed = 1;

    /// <summary>The configuration is invalid (a malformed value).</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>Something the configuration names is not available: a port in use, Redis unreachable.</summary>
    public const int Unavailable = 3;
}
