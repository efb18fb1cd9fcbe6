using RaftOrleans.KeyValue;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>
/// A simulated client: one operation at a time, each with the next sequence number; it sends to the server it thinks
/// leads, and on a timeout or a "not the leader" answer retries with the same sequence number elsewhere, until a
/// server answers with the applied reply. Calls and returns go into the shared history.
/// </summary>
public sealed class KvClerk
{
    /// <summary>Virtual milliseconds a clerk waits for an answer before trying another server.</summary>
    public const int AttemptTimeoutMs = 500;

    private const int RetryBackoffMs = 20;

    private readonly KvCluster _cluster;
    private readonly HistoryRecorder<KvInput, KvOutput> _history;
    private readonly int _servers;
    private readonly bool _newSequenceOnRetry;
    private long _sequence;
    private int _leader;
    private int _attempt;
    private Pending? _current;

    public KvClerk(KvCluster cluster, HistoryRecorder<KvInput, KvOutput> history, int id, Random rng, bool newSequenceOnRetry = false)
    {
        _newSequenceOnRetry = newSequenceOnRetry;
        _cluster = cluster;
        _history = history;
        _servers = cluster.Peers.Length;
        Id = id;
        ClientId = new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)rng.Next(256))]);
        _leader = rng.Next(_servers);
    }

    public int Id { get; }

    public Guid ClientId { get; }

    public bool Busy => _current is not null;

    public long Attempts { get; private set; }

    /// <summary>Issues one operation; <paramref name="done"/> runs with its output once a server answered it.</summary>
    public void Issue(KvInput input, Action<KvOutput> done)
    {
        if (_current is not null)
        {
            throw new InvalidOperationException("A clerk has one operation outstanding at a time.");
        }

        var operation = input.Op switch
        {
            KvOp.Get => KvOperation.Get,
            KvOp.Put => KvOperation.Put,
            _ => KvOperation.Append,
        };
        var command = new KvCommand(operation, input.Key, input.Value, ClientId, ++_sequence);
        _current = new Pending(command, _history.Invoke(Id, input), done);
        Send();
    }

    /// <summary>Gives up the outstanding operation (it stays pending in the history: it may or may not take effect).</summary>
    public void Abandon()
    {
        _current = null;
        _attempt++;
    }

    private void Send()
    {
        if (_newSequenceOnRetry && _current!.Sent)
        {
            _current = _current with { Command = _current.Command with { Sequence = ++_sequence } };
        }

        var current = _current!;
        current.Sent = true;
        var attempt = ++_attempt;
        var server = _leader;
        Attempts++;
        _cluster.Request(server, current.Command, answer => OnAnswer(attempt, server, answer));
        _cluster.Sim.After(AttemptTimeoutMs, () =>
        {
            if (_attempt == attempt && _current is not null)
            {
                _leader = (server + 1) % _servers;
                Send();
            }
        });
    }

    private void OnAnswer(int attempt, int server, KvClientReply answer)
    {
        if (attempt != _attempt || _current is not { } current)
        {
            return;
        }

        if (answer.Reply is { } reply)
        {
            if (reply.Error is not null)
            {
                throw _cluster.Fail($"clerk {Id}: {current.Command} failed: {reply.Error}");
            }

            _current = null;
            _attempt++;
            _history.Complete(current.Handle, new KvOutput(reply.Value));
            current.Done(new KvOutput(reply.Value));
            return;
        }

        // Not the leader (or lost its leadership): follow the hint, else try the next server, after a short pause.
        _attempt++;
        var hinted = answer.LeaderHint is { } hint && int.TryParse(hint.AsSpan(2), out var h) && h != server ? h : (server + 1) % _servers;
        _leader = hinted;
        _cluster.Sim.After(RetryBackoffMs, () =>
        {
            if (ReferenceEquals(_current, current))
            {
                Send();
            }
        });
    }

    private sealed record Pending(KvCommand Command, int Handle, Action<KvOutput> Done)
    {
        public bool Sent { get; set; }
    }
}
