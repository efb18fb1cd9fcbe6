using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// One server's durable store in the simulated lab: the in-memory store behind a save that takes virtual time,
/// lands only if its incarnation is still alive when it completes, and may crash the server (before it lands or
/// right after, before the peer hears back). Completions run inline, inside the simulator's event, so a run
/// stays a function of its seed.
/// </summary>
public sealed class SimRaftStorage(LabConfig cfg, int server) : IRaftStorage
{
    private readonly MemoryRaftStorage _durable = new();

    /// <summary>Saves made durable so far.</summary>
    public long Saves { get; private set; }

    public Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location) => _durable.ClaimAsync(peer, join, location);

    public Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        var crash = cfg.DrawSaveCrash(server);
        if (crash == SaveCrash.BeforeWrite)
        {
            if (cfg.Options.TornWrites)
            {
                _durable.SaveAsync(peer, incarnation, write with { Snapshot = null, TruncateFrom = null }).GetAwaiter().GetResult();
            }

            cfg.InjectCrash(server);
            return new TaskCompletionSource().Task;
        }

        var latency = cfg.DrawPersistLatency();
        if (latency == 0 && crash == SaveCrash.None)
        {
            Land(peer, incarnation, write);
            return Task.CompletedTask;
        }

        var alive = cfg.Servers[server].Incarnation;
        var completion = new TaskCompletionSource();
        cfg.Sim.After(latency, () =>
        {
            if (cfg.Servers[server].Incarnation != alive)
            {
                // The server crashed while the write was in flight: it never reached the disk.
                return;
            }

            Land(peer, incarnation, write);
            if (crash == SaveCrash.AfterWrite)
            {
                cfg.InjectCrash(server);
                return;
            }

            completion.SetResult();
            if (cfg.Servers[server].Peer is { } running)
            {
                cfg.CheckPeer(server, running);
            }
        });
        return completion.Task;
    }

    public Task<RaftPeerOwner> ReadOwnerAsync(string peer) => _durable.ReadOwnerAsync(peer);


    public Task RetireAsync(string peer, long incarnation, Membership successors) => _durable.RetireAsync(peer, incarnation, successors);

    public Task<RaftPeerData> ReadAsync(string peer) => _durable.ReadAsync(peer);

    /// <summary>What the server's store holds now (the memory store's reads complete synchronously).</summary>
    public RaftPeerData Stored(string peer) => _durable.ReadAsync(peer).Result;

    private void Land(string peer, long incarnation, RaftPeerWrite write)
    {
        _durable.SaveAsync(peer, incarnation, write).GetAwaiter().GetResult();
        Saves++;
    }
}
