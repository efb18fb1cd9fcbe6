using System.Text;

namespace RaftOrleans.KeyValue;

/// <summary>
/// The key/value state machine: Put, Append, Delete and compare-and-swap on string keys, applied in log order, with
/// at-most-once execution per (client, sequence): a retried command gets the reply of its first execution; and reads
/// (<see cref="Query"/>: Get of one key, Scan of a key range) from the applied state, which never go through the log.
/// Deterministic: every peer applying the same commands holds the same state and gives the same replies.
/// </summary>
public sealed class KeyValueStore(KvLimits limits)
{
    /// <summary>The name under which silos register the store as a Raft state machine, and groups name it.</summary>
    public const string StateMachineName = "kv";

    private const byte SnapshotVersion = 1;

    /// <summary>Values as builders: an append costs what it appends, not the value's whole length (a log replayed after a restart re-applies thousands).</summary>
    private readonly Dictionary<string, StringBuilder> _data = new(StringComparer.Ordinal);

    /// <summary>Each client's last applied sequence number and its reply (part of the snapshot).</summary>
    private readonly Dictionary<Guid, (long Sequence, KvReply Reply)> _sessions = [];

    /// <summary>Captures not yet serialized: while any is, values they hold must not change in place.</summary>
    private int _captures;

    public int Count => _data.Count;

    public KvReply Apply(KvCommand command)
    {
        if (_sessions.TryGetValue(command.ClientId, out var session) && command.Sequence <= session.Sequence)
        {
            // A client has one request outstanding, so an old sequence number is a retry of its last one.
            return session.Reply;
        }

        var reply = Execute(command);
        _sessions[command.ClientId] = (command.Sequence, reply);
        return reply;
    }

    /// <summary>A Get or a Scan, answered from the applied state; the caller makes it linearizable (ReadIndex).</summary>
    public KvReply Query(KvCommand query) => query.Operation switch
    {
        _ when limits.Check(query.Operation, query.Key, query.Value, query.Limit) is { } error => new KvReply(string.Empty, error),
        KvOperation.Get => KvReply.Ok(Read(query.Key) ?? string.Empty),
        KvOperation.Scan => new KvReply(string.Empty, null, Entries: Scan(query.Key, query.Limit)),
        _ => new KvReply(string.Empty, $"Only Get and Scan can be queries, not {query.Operation}."),
    };

    public string? Read(string key) => _data.GetValueOrDefault(key)?.ToString();

    /// <summary>The keys starting with <paramref name="prefix"/>, in ordinal order, at most <paramref name="limit"/>, with their values.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Scan(string prefix, int limit) =>
        _data.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value.ToString()))
            .ToArray();

    public byte[] Snapshot() => CaptureSnapshot()();

    /// <summary>
    /// Captures the state as it is now, in time proportional to the number of keys, and returns the function that
    /// serializes the capture: it may run on another thread while commands go on being applied here. Until it has run,
    /// an append copies the value it extends instead of extending the captured one in place.
    /// </summary>
    public Func<byte[]> CaptureSnapshot()
    {
        var data = _data.ToArray();
        var sessions = _sessions.ToArray();
        Interlocked.Increment(ref _captures);
        var serialized = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref serialized, 1) != 0)
            {
                throw new InvalidOperationException("A captured snapshot is serialized once.");
            }

            try
            {
                return Serialize(data, sessions);
            }
            finally
            {
                Interlocked.Decrement(ref _captures);
            }
        };
    }

    private static byte[] Serialize(KeyValuePair<string, StringBuilder>[] data, KeyValuePair<Guid, (long Sequence, KvReply Reply)>[] sessions)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(SnapshotVersion);
            writer.Write(data.Length);
            foreach (var (key, value) in data)
            {
                writer.Write(key);
                writer.Write(value.ToString());
            }

            writer.Write(sessions.Length);
            foreach (var (client, (sequence, reply)) in sessions)
            {
                writer.Write(client.ToByteArray());
                writer.Write(sequence);
                var bytes = reply.Encode();
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    public void Restore(byte[] snapshot)
    {
        _data.Clear();
        _sessions.Clear();
        if (snapshot.Length == 0)
        {
            return;
        }

        using var reader = new BinaryReader(new MemoryStream(snapshot), Encoding.UTF8);
        var version = reader.ReadByte();
        if (version != SnapshotVersion)
        {
            throw new FormatException($"Unknown key/value snapshot format {version}.");
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var key = reader.ReadString();
            _data[key] = new StringBuilder(reader.ReadString());
        }

        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var client = new Guid(reader.ReadBytes(16));
            var sequence = reader.ReadInt64();
            var reply = KvReply.Decode(reader.ReadBytes(reader.ReadInt32()));
            _sessions[client] = (sequence, reply);
        }
    }

    private KvReply Execute(KvCommand command)
    {
        if (limits.Check(command.Operation, command.Key, command.Value, command.Limit) is { } error)
        {
            return new KvReply(string.Empty, error);
        }

        switch (command.Operation)
        {
            case KvOperation.Put:
                _data[command.Key] = new StringBuilder(command.Value);
                return KvReply.Ok(string.Empty);
            case KvOperation.Append:
                var current = _data.GetValueOrDefault(command.Key);
                if (limits.CheckResult((current?.Length ?? 0) + (long)command.Value.Length) is { } tooLong)
                {
                    return new KvReply(string.Empty, tooLong);
                }

                if (current is null)
                {
                    _data[command.Key] = new StringBuilder(command.Value);
                }
                else if (Volatile.Read(ref _captures) > 0)
                {
                    _data[command.Key] = new StringBuilder(current.Length + command.Value.Length).Append(current).Append(command.Value);
                }
                else
                {
                    current.Append(command.Value);
                }

                return KvReply.Ok(string.Empty);
            case KvOperation.Delete:
                _data.Remove(command.Key);
                return KvReply.Ok(string.Empty);
            case KvOperation.CompareAndSwap:
                // A missing key holds the empty value, as Get reads it: expecting "" creates the key.
                var before = _data.GetValueOrDefault(command.Key);
                if (!(before ?? new StringBuilder()).Equals((command.Expected ?? string.Empty).AsSpan()))
                {
                    return new KvReply(before?.ToString() ?? string.Empty, null, Swapped: false);
                }

                _data[command.Key] = new StringBuilder(command.Value);
                return new KvReply(string.Empty, null, Swapped: true);
            case KvOperation.Get or KvOperation.Scan:
                return new KvReply(string.Empty, $"{command.Operation} is a query; it is not applied through the log.");
            default:
                return new KvReply(string.Empty, $"Unknown operation {command.Operation}.");
        }
    }
}
