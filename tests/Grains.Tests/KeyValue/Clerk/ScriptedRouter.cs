using System.Collections.Concurrent;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>
/// Stands for every relay and the group's peers behind them. The peer <see cref="Leader"/> answers each request
/// after the delay <see cref="DelayOf"/> gives it (by its key and how often it arrived there) and counts arrivals per
/// request, on <c>time</c>; the others answer that they are not the leader, naming <see cref="Hint"/>. A peer in
/// <see cref="Silent"/> never answers.
/// </summary>
internal sealed class ScriptedRouter(TimeProvider time) : IRaftRouterGrain
{
    private readonly ConcurrentDictionary<(Guid Client, long Sequence), int> _arrivals = new();

    public Func<string, int, TimeSpan> DelayOf { get; set; } = (_, _) => TimeSpan.Zero;

    public string Leader { get; set; } = "p0";

    public string? Hint { get; set; }

    public HashSet<string> Silent { get; } = [];

    /// <summary>The leader's storage refuses writes, as a full disk does: each one changes nothing.</summary>
    public bool Full { get; set; }

    public int Refusals => Volatile.Read(ref _refusals);

    private int _refusals;

    public int NotLeaderAnswers => Volatile.Read(ref _notLeaderAnswers);

    private int _notLeaderAnswers;

    public int ArrivalsOf(Guid client, long sequence) => _arrivals.GetValueOrDefault((client, sequence));

    public async Task<byte[]> ExecuteAsync(string peerKey, byte[] command)
    {
        var peer = peerKey[(peerKey.LastIndexOf('/') + 1)..];
        if (Silent.Contains(peer))
        {
            await new TaskCompletionSource().Task;
        }

        if (peer != Leader)
        {
            Interlocked.Increment(ref _notLeaderAnswers);
            throw new NotLeaderException(peerKey, Hint);
        }

        var request = KvCommand.Decode(command);
        if (Full)
        {
            Interlocked.Increment(ref _refusals);
            throw new RaftStorageUnavailableException($"The Raft storage of '{peerKey}' is unavailable (full); nothing was written.");
        }

        var arrival = _arrivals.AddOrUpdate((request.ClientId, request.Sequence), 1, (_, n) => n + 1);
        await Task.Delay(DelayOf(request.Key, arrival), time);
        return KvReply.Ok(string.Empty).Encode();
    }

    public Task<byte[]> QueryAsync(string peerKey, byte[] query) => ExecuteAsync(peerKey, query);

    public Task<string> SiloAsync() => Task.FromResult("scripted");

    public Task<string?> StorageProblemAsync() => Task.FromResult<string?>(null);
}
