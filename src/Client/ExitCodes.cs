namespace RaftOrleans.Client;

internal static class ExitCodes
{
    public const int Success = 0;
    public const int JobFailed = 1;
    public const int InvalidInput = 2;
    public const int ClusterUnavailable = 3;
}
