using Orleans.Concurrency;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Raft.Grains;

/// <summary>
/// Relays client calls to Raft peers from the silo that received them (see <see cref="IRaftRouterGrain"/>).
/// Reentrant, since it holds no state: a call to a silent peer waits until that peer's silo is declared dead, and a
/// worker taking one call at a time would hold every later call of its key, to live peers too, behind it.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class RaftRouterGrain(ILocalSiloDetails silo) : Grain, IRaftRouterGrain
{
    public Task<byte[]> ExecuteAsync(string peerKey, byte[] command) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).ExecuteAsync(command);

    public Task<byte[]> QueryAsync(string peerKey, byte[] query) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).QueryAsync(query);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
