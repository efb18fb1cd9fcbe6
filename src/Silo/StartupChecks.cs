using System.Net;
using System.Net.Sockets;
using RaftOrleans.Hosting;

namespace RaftOrleans.Silo;

/// <summary>What a silo checks before it starts, so that a bad set-up fails at once with a message that says what is wrong.</summary>
internal static class StartupChecks
{
    /// <summary>
    /// Claims every port the silo (and its dashboard) will listen on for this process (<see cref="PortClaim"/>) and
    /// checks that nothing else listens there.
    /// </summary>
    /// <returns>The claim to hold while the silo runs, or null and which port is not free.</returns>
    public static PortClaim? ClaimPorts(SiloHostOptions silo, SiloDashboardOptions dashboard, out string? error)
    {
        var ports = Ports(silo, dashboard);
        var claim = PortClaim.TryClaim(ports.Select(p => (p.Name, p.Port)), out error);
        if (claim is not null && (error = InUse(ports)) is not null)
        {
            claim.Dispose();
            return null;
        }

        return claim;
    }

    private static List<(string Name, IPAddress Address, int Port)> Ports(SiloHostOptions silo, SiloDashboardOptions dashboard)
    {
        var siloAddress = !silo.UsesRedis ? IPAddress.Loopback
            : silo.ListenOnAnyHostAddress ? IPAddress.Any
            : IPAddress.Parse(silo.AdvertisedIPAddress);
        var ports = new List<(string Name, IPAddress Address, int Port)>
        {
            ($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.SiloPort)}", siloAddress, silo.SiloPort),
            ($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.GatewayPort)}", siloAddress, silo.GatewayPort),
        };
        if (dashboard.Enabled)
        {
            ports.Add(($"{SiloDashboardOptions.SectionName}:{nameof(SiloDashboardOptions.Port)}", IPAddress.Parse(dashboard.Address), dashboard.Port));
        }

        return ports;
    }

    /// <returns>Null when every port is free; otherwise which one is not.</returns>
    private static string? InUse(List<(string Name, IPAddress Address, int Port)> ports)
    {
        foreach (var (name, address, port) in ports)
        {
            try
            {
                using var listener = new TcpListener(address, port);
                listener.Start();
            }
            catch (SocketException exception)
            {
                return exception.SocketErrorCode == SocketError.AddressAlreadyInUse
                    ? $"port {port} ({name}) on {address} is already in use: another silo or program listens there; give this silo its own port."
                    : $"cannot listen on {address}:{port} ({name}): {exception.Message}";
            }
        }

        return null;
    }
}
