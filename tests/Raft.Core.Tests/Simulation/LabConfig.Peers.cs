using Microsoft.Extensions.Logging.Abstractions;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Peer;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// <see cref="LabHost.Peer"/>: each server runs the production <see cref="RaftPeer"/> over the real
/// <see cref="RaftPeerStore"/> on an in-memory store. Messages are one-way, as between peer grains: a response is
/// just another message, delayed and lost by the same rules (long reordering delays responses only, as the lab
/// delays replies). Crashes strike at storage writes when <see cref="LabOptions.CrashPerSave"/> is set.
/// </summary>
public sealed partial class LabConfig
{
    public const string NoOpValue = "<noop>";

    private const string Group = "lab";

    private Random? _crashRng;

    /// <summary>
    /// A check that failed inside a peer's Ready loop or state machine, where the peer would take any exception
    /// for its own (a failed save, a rejected command): raised at the end of the simulator event.
    /// </summary>
    private Exception? _failedInside;

    /// <summary>Whether saves crash their server at the rate of <see cref="LabOptions.CrashPerSave"/> (a soak turns it off to heal).</summary>
    public bool CrashAtSaves { get; set; } = true;

    /// <summary>Crashes the harness injected at saves (<see cref="LabOptions.CrashPerSave"/>).</summary>
    public int InjectedCrashes { get; private set; }

    /// <summary>Saves made durable over all servers (peer host only).</summary>
    public long DurableSaves => Servers.Sum(s => s.Storage?.Saves ?? 0);

    public LabOptions Options => _options;

    internal static string PeerKey(string id) => RaftGroupConfig.PeerKey(Group, id);

    internal SaveCrash DrawSaveCrash(int server)
    {
        if (!CrashAtSaves || _options.CrashPerSave <= 0 || Servers[server].CrashedAtSave)
        {
            return SaveCrash.None;
        }

        _crashRng ??= new Random(unchecked((Seed * 7) + 3));
        var draw = _crashRng.NextDouble();
        return draw < _options.CrashPerSave / 2 ? SaveCrash.BeforeWrite
            : draw < _options.CrashPerSave ? SaveCrash.AfterWrite
            : SaveCrash.None;
    }

    internal long DrawPersistLatency() => PersistLatencyMs > 0 ? 1 + _netRng.Next(PersistLatencyMs) : 0;

    /// <summary>The server dies at a save; unless the scenario restarts or crashes it first, it boots 5–50 ms later.</summary>
    internal void InjectCrash(int i)
    {
        InjectedCrashes++;
        var server = Servers[i];
        server.Connected = false;
        var incarnation = Kill(i);
        server.CrashedAtSave = true;
        Sim.After(5 + _crashRng!.Next(46), () =>
        {
            if (server.Incarnation == incarnation && server.Node is null)
            {
                Boot(i);
                server.Connected = server.WantConnected;
            }
        });
    }

    internal void SendOneWay(int from, int fromIncarnation, RaftMessage message)
    {
        CheckOutgoing(message);
        var response = message is RequestVoteResponse or AppendEntriesResponse or InstallSnapshotResponse;
        if (!response)
        {
            RpcTotal++;
        }

        BytesTotal += message.SizeEstimate;
        var to = _indexOf[message.To];
        if (!Enabled(from, fromIncarnation, to) || Servers[to].Node is null)
        {
            return;
        }

        long delay = Unreliable ? _netRng.Next(27) : _netRng.Next(ReliableLatencyMs + 1);
        if (Unreliable && _netRng.Next(1000) < 100)
        {
            return;
        }

        if (response && LongReordering && _netRng.Next(900) < 600)
        {
            delay = 200 + _netRng.Next(1 + _netRng.Next(2000));
        }

        var toIncarnation = Servers[to].Incarnation;
        Sim.After(delay, () =>
        {
            var target = Servers[to];
            if (target.Incarnation != toIncarnation || target.Peer is not { } peer || !Servers[from].Connected || !target.Connected)
            {
                return;
            }

            if (!response)
            {
                target.DeliveredRpcs++;
            }

            Guard(() => peer.Deliver([message]));
            CheckPeer(to, peer);
        });
    }

    internal void PeerApplied(int i, long index, string value) => Inside(() =>
    {
        var server = Servers[i];
        ApplyValue(i, index, value, server.CommitTerms.Remove(index, out var term) ? term : null);
    });

    /// <param name="taken">The index the snapshot's state machine had applied when it was taken.</param>
    internal void PeerRestored(int i, long index, long taken, string value) => Inside(() =>
    {
        if (taken != index)
        {
            throw Fail($"server {i} restored a snapshot taken at index {taken} as the snapshot of index {index}");
        }

        ApplySnapshotValue(i, index, value);
    });

    /// <summary>After a simulator event touched a peer: what failed inside it, then the invariants.</summary>
    internal void CheckPeer(int i, RaftPeer peer)
    {
        if (_failedInside is { } failure)
        {
            _failedInside = null;
            throw failure as RaftTestException ?? Fail($"server {i}: {failure.GetType().Name}: {failure.Message}", failure);
        }

        if (Servers[i].Peer == peer)
        {
            CheckNodeInvariants(i, peer.Node);
        }
    }

    private void Inside(Action check)
    {
        try
        {
            check();
        }
        catch (Exception exception)
        {
            _failedInside ??= exception;
        }
    }

    private void BootPeer(int i, Random random)
    {
        var server = Servers[i];
        server.Storage ??= new SimRaftStorage(this, i);
        var store = new RaftPeerStore(server.Storage, PeerKey(server.Id), time: Clock);
        RaftPeerData data;
        try
        {
            data = store.ClaimAsync(new RaftGroupConfig(Group, Founders, "lab")).GetAwaiter().GetResult();
        }
        catch (RaftStorageCorruptException corrupt)
        {
            throw Fail($"server {i} cannot restart: {corrupt.Message}", corrupt);
        }

        var options = _options.ToRaftOptions(SnapshotMode);
        server.CommitTerms.Clear();
        var incarnation = server.Incarnation;
        var peer = new RaftPeer(store, data, new LabStateMachine(this, i), new SimRaftTransport(this, i, incarnation), options, random, Clock, NullLogger.Instance)
        {
            Stopped = exception => _failedInside ??= exception is RaftTestException ? exception : Fail($"server {i}'s peer stopped on its own", exception),
        };
        peer.ReadyTaken = ready => Inside(() =>
        {
            CheckNewEntries(i, peer.Node, ready);
            foreach (var entry in ready.CommittedEntries)
            {
                server.CommitTerms[entry.Index] = entry.Term;
            }
        });
        peer.CommittedTaken = committed => Inside(() =>
        {
            foreach (var entry in committed)
            {
                server.CommitTerms[entry.Index] = entry.Term;
            }
        });
        server.Peer = peer;
        server.Node = peer.Node;
    }

    /// <summary>What the server's storage holds, when it can be compared with its core (no Ready in flight).</summary>
    private (HardState Hard, long LastIndex)? Persisted(SimServer server)
    {
        if (server.Peer is not { } peer)
        {
            return (server.Persister.HardState, server.Persister.LastIndex);
        }

        if (!peer.IsIdle || peer.Node.HasReady)
        {
            return null;
        }

        var stored = server.Storage!.Stored(peer.Key);
        return (stored.HardState, stored.LastIndex);
    }

    private static long RaftStateSize(SimServer server)
    {
        if (server.Storage is not { } storage)
        {
            return server.Persister.RaftStateSize;
        }

        var stored = storage.Stored(PeerKey(server.Id));
        return 16 + (stored.HardState.VotedFor?.Length ?? 0) + stored.Entries.Sum(e => e.SizeEstimate);
    }
}
