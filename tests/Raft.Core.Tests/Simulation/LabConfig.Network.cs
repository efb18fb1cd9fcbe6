namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>
/// The labrpc model (§3 of the catalogue). A request message is a Call; the response the callee's Ready produces
/// while handling it is that Call's reply. Counting: every Call is one RPC (request bytes always counted, reply bytes
/// only when delivered); per-server counts are requests that reached the dispatcher.
/// </summary>
public sealed partial class LabConfig
{
    public bool Unreliable { get; set; }

    public bool LongReordering { get; set; }

    /// <summary>
    /// Upper bound (inclusive, ms) of the latency of a request in reliable mode: labrpc adds none, but real goroutine
    /// scheduling and encoding take time, and a zero-latency network would hide races such as Figure 8's.
    /// </summary>
    public int ReliableLatencyMs { get; set; } = 2;

    /// <summary>GetTotalCount: every Call ever sent.</summary>
    public long RpcTotal { get; private set; }

    /// <summary>GetTotalBytes: request bytes of every Call plus reply bytes of every delivered reply.</summary>
    public long BytesTotal { get; private set; }

    public long RpcCount(int i) => Servers[i].DeliveredRpcs;

    /// <summary>An endpoint from a live incarnation to a server is enabled iff both are in the connected group.</summary>
    private bool Enabled(int from, int fromIncarnation, int to) =>
        Servers[from].Incarnation == fromIncarnation
        && Servers[from].Node is not null
        && Servers[from].Connected
        && Servers[to].Connected;

    private void Dispatch(int from, int fromIncarnation, RaftMessage m, Call? call)
    {
        CheckOutgoing(m);
        if (m is RequestVoteResponse or AppendEntriesResponse or InstallSnapshotResponse)
        {
            if (call is null || _indexOf[m.To] != call.Caller)
            {
                throw Fail($"server {from} produced a response {m.GetType().Name} to {m.To} outside the RPC it answers");
            }

            Reply(call, m);
            return;
        }

        SendCall(from, fromIncarnation, m);
    }

    private void SendCall(int from, int fromIncarnation, RaftMessage request)
    {
        RpcTotal++;
        BytesTotal += request.SizeEstimate;
        var to = _indexOf[request.To];

        // Case B (§3.2): endpoint disabled or server gone: the Call fails after a delay; the core never notices.
        if (!Enabled(from, fromIncarnation, to) || Servers[to].Node is null)
        {
            return;
        }

        var call = new Call(from, fromIncarnation, to, Servers[to].Incarnation, request);
        long delay = _netRng.Next(ReliableLatencyMs + 1);
        if (Unreliable)
        {
            delay = _netRng.Next(27);
            if (_netRng.Next(1000) < 100)
            {
                return;
            }
        }

        Sim.After(delay, () => Deliver(call));
    }

    private void Deliver(Call call)
    {
        var server = Servers[call.Callee];
        if (server.Incarnation != call.CalleeIncarnation || server.Node is null)
        {
            // The server was replaced or removed: the handler of a killed instance has no visible effect.
            return;
        }

        server.DeliveredRpcs++;
        var node = server.Node;
        RunOrQueue(call.Callee, () =>
        {
            Guard(() => node.Step(call.Request));
            Drain(call.Callee, call);
        });
    }

    private void Reply(Call call, RaftMessage reply)
    {
        // §3.2 step 4: suppress the reply if the endpoint was disabled or the server replaced while handling.
        if (!Enabled(call.Caller, call.CallerIncarnation, call.Callee)
            || Servers[call.Callee].Incarnation != call.CalleeIncarnation
            || Servers[call.Callee].Node is null)
        {
            return;
        }

        if (Unreliable && _netRng.Next(1000) < 100)
        {
            return;
        }

        long delay = 0;
        if (LongReordering && _netRng.Next(900) < 600)
        {
            delay = 200 + _netRng.Next(1 + _netRng.Next(2000));
        }

        Sim.After(delay, () =>
        {
            BytesTotal += reply.SizeEstimate;
            var caller = Servers[call.Caller];
            if (caller.Incarnation != call.CallerIncarnation || caller.Node is null)
            {
                return;
            }

            var node = caller.Node;
            RunOrQueue(call.Caller, () =>
            {
                Guard(() => node.Step(reply));
                Drain(call.Caller, null);
            });
        });
    }
}
