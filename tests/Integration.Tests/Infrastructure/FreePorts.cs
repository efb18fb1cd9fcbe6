using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>Loopback TCP ports that were free a moment ago (the OS hands out ephemeral ports in turn, so no other test gets them soon).</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
