using RaftOrleans.Raft.Core;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// A store whose each write is one indivisible call (Redis scripts, the memory store): a crash can strike before
/// the call or after it, before its caller learns it succeeded.
/// </summary>
public sealed class CrashingRaftStorage(IRaftStorage inner, CrashPlan plan) : IRaftStorage
{
    public async Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location)
    {
        plan.Reach();
        var data = await inner.ClaimAsync(peer, join, location);
        plan.Reach();
        return data;
    }

    public async Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        plan.Reach();
        await inner.SaveAsync(peer, incarnation, write);
        plan.Reach();
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => inner.ReadOwnerAsync(peer);


    public Task RetireAsync(string peer, long incarnation, Membership successors) => inner.RetireAsync(peer, incarnation, successors);

    public Task<RaftPeerData> ReadAsync(string peer) => inner.ReadAsync(peer);
}
