using System.Collections.Concurrent;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The lab's network, imposed on real grain calls between Raft peers (see <see cref="RaftNetworkFilter"/>):
/// per-peer connect/disconnect (only the connected set can talk), and an unreliable mode that drops and
/// delays messages. One instance per group, shared by every silo of the in-process test cluster.
/// </summary>
public sealed class RaftNetwork
{
    private static readonly ConcurrentDictionary<string, RaftNetwork> Groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _disconnected = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private long _delivered;
    private long _dropped;

    public bool Unreliable { get; set; }

    /// <summary>Two thirds of replies are held back 200–2199 ms, so later ones overtake them.</summary>
    public bool LongReordering { get; set; }

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Dropped => Interlocked.Read(ref _dropped);

    public static RaftNetwork For(string group) => Groups.GetOrAdd(group, _ => new RaftNetwork());

    public static RaftNetwork? Find(string group) => Groups.GetValueOrDefault(group);

    public void Disconnect(string peer) => _disconnected[peer] = true;

    public void Connect(string peer) => _disconnected.TryRemove(peer, out _);

    public bool IsConnected(string peer) => !_disconnected.ContainsKey(peer);

    public bool CanTalk(string from, string to) => IsConnected(from) && IsConnected(to);

    /// <summary>
    /// How long to hold a message from <paramref name="from"/> to <paramref name="to"/>, or null to drop it. As in
    /// the lab's network, where a reply travels back on its request's call: unreliable mode drops 10 % of
    /// requests and of replies and delays requests by 0–26 ms; long reordering holds back replies only.
    /// </summary>
    public TimeSpan? Route(string from, string to, bool reply)
    {
        if (!CanTalk(from, to) || (Unreliable && Random.Shared.Next(1000) < 100))
        {
            Interlocked.Increment(ref _dropped);
            return null;
        }

        if (!reply)
        {
            return Unreliable ? TimeSpan.FromMilliseconds(Random.Shared.Next(27)) : TimeSpan.Zero;
        }

        return LongReordering && Random.Shared.Next(900) < 600
            ? TimeSpan.FromMilliseconds(200 + Random.Shared.Next(1 + Random.Shared.Next(2000)))
            : TimeSpan.Zero;
    }

    /// <summary>Every message a peer tried to send, whether or not the network then delivered it.</summary>
    public IReadOnlyCollection<SentMessage> Sent => _sent.ToArray();

    public void RecordSent(string from, string to, RaftOrleans.Raft.Core.RaftMessage message) => _sent.Enqueue(new SentMessage(from, to, message));

    public void CountDelivered() => Interlocked.Increment(ref _delivered);

    public void CountDropped() => Interlocked.Increment(ref _dropped);
}
