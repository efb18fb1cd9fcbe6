using Microsoft.Extensions.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// The host of a command neither waits for nor reacts to Ctrl+C itself (the default console lifetime would stop
/// the embedded silo under a running command): <see cref="Interrupts"/> cancels the command, which then stops it.
/// </summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
