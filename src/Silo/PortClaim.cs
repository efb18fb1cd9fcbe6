namespace RaftOrleans.Silo;

/// <summary>
/// This process's hold on the ports it listens on, as exclusive locks on one file per port in the temporary
/// directory. Orleans' listeners let a second process bind a port that one already listens on (address reuse),
/// so two silos started together with one port would both start and share its connections; the lock makes the
/// second one stop instead. Released when the process ends, however it ends.
/// </summary>
internal sealed class PortClaim : IDisposable
{
    private readonly List<FileStream> _locks;

    private PortClaim(List<FileStream> locks) => _locks = locks;

    /// <summary>Directory of the lock files; one machine's silos must agree on it.</summary>
    public static string Directory => Path.GetTempPath();

    public static string LockPath(int port) => Path.Combine(Directory, $"raft-orleans-port-{port}.lock");

    /// <returns>The claim, or null and which port another process holds.</returns>
    public static PortClaim? TryClaim(IEnumerable<(string Name, int Port)> ports, out string? error)
    {
        var locks = new List<FileStream>();
        foreach (var (name, port) in ports)
        {
            try
            {
                locks.Add(new FileStream(LockPath(port), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                locks.ForEach(l => l.Dispose());
                error = $"port {port} ({name}) is taken by another silo on this machine (it holds {LockPath(port)}); give this silo its own port.";
                return null;
            }
        }

        error = null;
        return new PortClaim(locks);
    }

    public void Dispose() => _locks.ForEach(l => l.Dispose());
}
