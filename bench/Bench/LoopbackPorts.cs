using System.Net;
using System.Net.Sockets;

namespace RaftOrleans.Bench;

internal static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct loopback ports that were free a moment ago: all are held open together
    /// while the OS picks them, since asking for one free port at a time can hand back the same port twice.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
