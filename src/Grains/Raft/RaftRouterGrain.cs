using Orleans.Concurrency;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Raft;

/// <summary>Relays client calls to Raft peers from the silo that received them (see <see cref="IRaftRouterGrain"/>).</summary>
[StatelessWorker]
internal sealed class RaftRouterGrain(ILocalSiloDetails silo) : Grain, IRaftRouterGrain
{
    public Task<byte[]> ExecuteAsync(string peerKey, byte[] command) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).ExecuteAsync(command);

    public Task<byte[]> QueryAsync(string peerKey, byte[] query) =>
        GrainFactory.GetGrain<IRaftPeerGrain>(peerKey).QueryAsync(query);

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
