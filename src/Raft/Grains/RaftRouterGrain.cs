using Orleans.Concurrency;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Grains;

/// <summary>
/// Relays client calls to Raft peers from the silo that received them (see <see cref="IRaftRouterGrain"/>).
/// Reentrant, since it holds no state: a call to a silent peer waits until that peer's silo is declared dead, and a
/// worker taking one call at a time would hold every later call of its key, to live peers too, behind it.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class RaftRouterGrain(ILocalSiloDetails silo, IRaftStorage storage, TimeProvider time) : Grain, IRaftRouterGrain
{
    /// <summary>How long a storage read may take before the storage counts as not answering.</summary>
    private static readonly TimeSpan StorageProbeTimeout = TimeSpan.FromSeconds(2);

    public Task<byte[]> ExecuteAsync(string peerKey, byte[] command) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).ExecuteAsync(command);

    public Task<byte[]> QueryAsync(string peerKey, byte[] query) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).QueryAsync(query);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());

    public async Task<string?> StorageProblemAsync()
    {
        try
        {
            // The owner of a peer no group has: one small read on the path every peer's load and fencing take.
            await storage.ReadOwnerAsync("raft-orleans-probe/none").WaitAsync(StorageProbeTimeout, time);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var what = $"the Raft storage ({storage.GetType().Name.Replace("RaftStorage", string.Empty, StringComparison.Ordinal)}) of silo {silo.SiloAddress}";
            return exception is TimeoutException
                ? $"{what} did not answer a read within {StorageProbeTimeout.TotalSeconds:0} s"
                : $"{what} failed a read ({exception.GetType().Name}: {exception.Message})";
        }
    }
}
