using System.Runtime.InteropServices;

namespace RaftOrleans.Client;

/// <summary>
/// Ctrl+C (SIGINT) or SIGTERM cancels the running command, which then cleans up (a job is cancelled on the
/// cluster) and exits with <see cref="ExitCodes.Cancelled"/>; a second signal exits at once.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    public Interrupts()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether the user asked the command to stop.</summary>
    public static bool Requested { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The runtime's default would end the process now; the first signal lets the command stop cleanly.
        context.Cancel = true;
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Requested = true;
            Console.Error.WriteLine("Stopping... (Ctrl+C again to quit at once)");
            _ = Task.Run(_cancel.Cancel);
            return;
        }

        Environment.Exit(ExitCodes.Cancelled);
    }
}
