using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// Loopback TCP ports for the silos a test starts: each handed out once per test process, and below Linux's
/// ephemeral range (32768-60999), so neither two silos nor an outgoing connection's local port can take the same
/// one. (Asking the OS for port 0 twice can hand back the same port, and two silos on one port both start.)
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            while (true)
            {
                var port = Random.Shared.Next(20_000, 32_000);
                if (Given.Add(port) && IsFree(port))
                {
                    return port;
                }
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
