using RaftOrleans.Raft.Core;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// Memory storage whose saves a test can hold (a slow disk, a large snapshot being written) and then release, or have
/// refused as a full disk refuses them.
/// </summary>
internal sealed class GatedRaftStorage(MemoryRaftStorage inner) : IRaftStorage
{
    private TaskCompletionSource? _gate;

    /// <summary>Saves fail with <see cref="RaftStorageUnavailableException"/> and write nothing, as on a full disk.</summary>
    public bool Full { get; set; }

    public int Refused { get; private set; }

    /// <summary>Saves from now on wait until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate?.TrySetResult();

    public Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location) => inner.ClaimAsync(peer, join, location);

    public async Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        if (_gate is { } gate)
        {
            await gate.Task;
        }

        if (Full)
        {
            Refused++;
            throw RaftStorageUnavailableException.Of(peer, new IOException("No space left on device"));
        }

        await inner.SaveAsync(peer, incarnation, write);
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => inner.ReadOwnerAsync(peer);


    public Task RetireAsync(string peer, long incarnation, Membership successors) => inner.RetireAsync(peer, incarnation, successors);

    public Task<RaftPeerData> ReadAsync(string peer) => inner.ReadAsync(peer);
}
