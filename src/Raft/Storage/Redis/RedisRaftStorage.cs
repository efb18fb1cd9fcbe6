using System.Globalization;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Diagnostics;
using StackExchange.Redis;

namespace RaftOrleans.Raft.Storage.Redis;

/// <summary>
/// Raft storage in Redis: each claim, save and read is one Lua script, which Redis runs atomically; run Redis
/// with <c>appendfsync always</c> so an acknowledged script is on disk. Redis fsyncs once per event-loop turn for
/// every client's writes, so concurrent saves of many peers share an fsync without any batching here.
/// </summary>
public sealed class RedisRaftStorage : IRaftStorage, IAsyncDisposable
{
    private readonly ConfigurationOptions _options;
    private readonly string _prefix;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public RedisRaftStorage(ConfigurationOptions options, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        _prefix = $"raft/{serviceId}/";
    }

    public async Task<RaftPeerData> ClaimAsync(string peer, RaftGroupConfig? join, string? location)
    {
        var group = join is null ? RedisValue.EmptyString : (RedisValue)RaftRecordCodec.EncodeGroup(join);
        var result = await RunAsync(peer, RedisRaftScripts.Claim, [group, location ?? string.Empty]);
        return result.IsNull ? RaftPeerData.Empty : Parse(peer, result);
    }

    public async Task SaveAsync(string peer, long incarnation, RaftPeerWrite write)
    {
        var values = new RedisValue[11 + write.Entries.Count];
        values[0] = incarnation;
        values[1] = write.HardState is null ? "0" : "1";
        values[2] = write.HardState?.CurrentTerm ?? 0;
        values[3] = write.HardState?.VotedFor is { } vote ? "=" + vote : string.Empty;
        values[4] = write.Snapshot is null ? "0" : "1";
        values[5] = write.Snapshot?.LastIncludedIndex ?? 0;
        values[6] = write.Snapshot?.LastIncludedTerm ?? 0;
        values[7] = write.Snapshot?.Data ?? [];
        values[8] = write.Snapshot?.Membership is { } members ? MembershipCodec.Encode(members) : RedisValue.EmptyString;
        values[9] = write.TruncateFrom is { } from ? from : RedisValue.EmptyString;
        values[10] = write.Entries.Count > 0 ? write.Entries[0].Index : 0;
        for (var k = 0; k < write.Entries.Count; k++)
        {
            values[11 + k] = RaftRecordCodec.EncodeEntry(write.Entries[k]);
        }

        var saved = (long)await RunAsync(peer, RedisRaftScripts.Save, values);
        RaftMetrics.StorageTransactions.Add(1, new KeyValuePair<string, object?>(RaftMetrics.StorageTag, "redis"));
        if (saved != 1)
        {
            throw new RaftStorageFencedException(peer, incarnation);
        }
    }

    public async Task RetireAsync(string peer, long incarnation, Membership successors)
    {
        if ((long)await RunAsync(peer, RedisRaftScripts.Retire, [incarnation, MembershipCodec.Encode(successors)]) != 1)
        {
            throw new RaftStorageFencedException(peer, incarnation);
        }
    }

    public async Task<RaftPeerOwner> ReadOwnerAsync(string peer)
    {
        var database = await DatabaseAsync();
        var values = await database.HashGetAsync(Key(peer, "m"), ["inc", "grp", "loc"]);
        if (values[0].IsNull)
        {
            return RaftPeerOwner.None;
        }

        var location = values[2].IsNullOrEmpty ? null : (string?)values[2];
        return new RaftPeerOwner((long)values[0], values[1].IsNull ? null : RaftRecordCodec.DecodeGroup(values[1]!), location);
    }

    public async Task<RaftPeerData> ReadAsync(string peer)
    {
        var result = await RunAsync(peer, RedisRaftScripts.Read, []);
        return result.IsNull ? RaftPeerData.Empty : Parse(peer, result);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }

        _connecting.Dispose();
    }

    /// <summary>
    /// Runs one script. Redis refusing it (no connection, a failed append-only file, out of memory, read-only) becomes
    /// <see cref="RaftStorageUnavailableException"/>: a refused script wrote nothing. A timeout stays what it is, since
    /// the script may have run.
    /// </summary>
    private async Task<RedisResult> RunAsync(string peer, string script, RedisValue[] values)
    {
        try
        {
            var database = await DatabaseAsync();
            return await database.ScriptEvaluateAsync(script, [Key(peer, "m"), Key(peer, "s"), Key(peer, "l")], values);
        }
        catch (Exception exception) when (exception is RedisConnectionException
            || (exception is RedisServerException server && (server.Message.StartsWith("MISCONF", StringComparison.Ordinal)
                || server.Message.StartsWith("OOM", StringComparison.Ordinal) || server.Message.StartsWith("READONLY", StringComparison.Ordinal))))
        {
            throw RaftStorageUnavailableException.Of(peer, exception);
        }
    }

    private RedisKey Key(string peer, string part) => $"{{{_prefix}{peer}}}:{part}";

    private async Task<IDatabase> DatabaseAsync()
    {
        if (_connection is { } connected)
        {
            return connected.GetDatabase();
        }

        await _connecting.WaitAsync();
        try
        {
            _connection ??= await ConnectionMultiplexer.ConnectAsync(_options);
            return _connection.GetDatabase();
        }
        finally
        {
            _connecting.Release();
        }
    }

    private static RaftPeerData Parse(string peer, RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var meta = ((RedisResult[])parts[0]!).Select(r => (RedisValue)r).ToArray();
        var fields = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < meta.Length; i += 2)
        {
            fields[meta[i]!] = meta[i + 1];
        }

        var group = fields.TryGetValue("grp", out var grp) ? RaftRecordCodec.DecodeGroup(grp!) : null;
        var vote = fields.TryGetValue("vote", out var v) ? ((string)v!)[1..] : null;
        var hardState = new HardState(Long(fields, "term"), vote);
        RaftSnapshot? snapshot = fields.ContainsKey("si")
            ? new RaftSnapshot(Long(fields, "si"), Long(fields, "st"), (byte[])((RedisValue)parts[1])!, fields.TryGetValue("sm", out var sm) ? MembershipCodec.Decode(sm!) : null)
            : null;

        var log = ((RedisResult[])parts[2]!).Select(r => (RedisValue)r).ToArray();
        var entries = new List<LogEntry>(log.Length / 2);
        for (var i = 0; i + 1 < log.Length; i += 2)
        {
            if (!long.TryParse((string)log[i]!, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new RaftStorageCorruptException(peer, "log", 0, $"a log field is named '{log[i]}', not an index");
            }

            entries.Add(RaftRecordCodec.DecodeEntry(index, (byte[])log[i + 1]!));
        }

        entries.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new RaftPeerData(Long(fields, "inc"), group, hardState, snapshot, entries, fields.TryGetValue("ret", out var ret) ? MembershipCodec.Decode(ret!) : null);
    }

    private static long Long(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) ? (long)value : 0;
}
