
namespace RaftOrleans.Silo;

internal static partial class SiloLog
{
    [LoggerMessage(1, LogLevel.Information, "Silo {SiloAddress} started in cluster {ClusterId} ({Mode}); gateway port {GatewayPort}")]
    public static partial void Started(ILogger logger, string siloAddress, string clusterId, string mode, int gatewayPort);

    [LoggerMessage(2, LogLevel.Information, "Dashboard at {DashboardUrl}")]
    public static partial void Dashboard(ILogger logger, string dashboardUrl);

    [LoggerMessage(6, LogLevel.Information, "Jobs page at {JobsUrl}")]
    public static partial void JobsPage(ILogger logger, string jobsUrl);

    [LoggerMessage(3, LogLevel.Information, "Silo {SiloAddress} stopping")]
    public static partial void Stopping(ILogger logger, string siloAddress);

    [LoggerMessage(4, LogLevel.Information, "Silo {SiloAddress} stopped")]
    public static partial void Stopped(ILogger logger, string siloAddress);

    [LoggerMessage(5, LogLevel.Critical, "Silo failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason, Exception exception);
}
