using Orleans.TestingHost;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Grains.Tests.Raft;

/// <summary>
/// The lab's config.go for one Raft group of peer grains: network control, crash and restart, and the
/// checks (one leader per term, agreement of n peers, apply order) with the lab's deadlines.
/// Polling loops wait for a state to appear, bounded by the lab's limits; none sleeps to assert.
/// Disposing it stops the group, as the lab's cleanup does, so later tests on the shared cluster run alone.
/// </summary>
public sealed class RaftGroupTester : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly TestCluster _cluster;
    private readonly HashSet<int> _crashed = [];
    private readonly Dictionary<long, HashSet<string>> _leadersByTerm = [];

    /// <param name="group">An existing group to attach to (e.g. after a cluster restart); a new unique name when null.</param>
    public RaftGroupTester(TestCluster cluster, int peers, string scenario, string? group = null)
    {
        _cluster = cluster;
        Count = peers;
        Group = group ?? $"{scenario}-{Guid.NewGuid():N}"[..(scenario.Length + 9)];
        Config = new RaftGroupConfig(Group, Enumerable.Range(0, peers).Select(PeerId).ToArray(), RecordingStateMachine.Name);
        Network = RaftNetwork.For(Group);
        Applied = ApplyLog.For(Group);
    }

    /// <summary>The lab's allowance for an election.</summary>
    public static TimeSpan ElectionTimeout { get; } = TimeSpan.FromSeconds(1);

    public int Count { get; }

    public string Group { get; }

    public RaftGroupConfig Config { get; }

    public RaftNetwork Network { get; }

    public ApplyLog Applied { get; }

    public static string PeerId(int i) => $"p{i}";

    public IRaftPeerGrain Peer(int i) => _cluster.GrainFactory.GetGrain<IRaftPeerGrain>(RaftGroupConfig.PeerKey(Group, PeerId(i)));

    public Task StartAsync() => RaftGroups.InitializeAsync(_cluster.GrainFactory, Config);

    public bool IsConnected(int i) => Network.IsConnected(PeerId(i)) && !_crashed.Contains(i);

    public void Disconnect(int i) => Network.Disconnect(PeerId(i));

    /// <summary>Cuts every peer off (messages still in flight are then dropped) and deactivates each.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            Disconnect(i);
        }

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Peer(i).CrashAsync()));
    }

    public void Connect(int i) => Network.Connect(PeerId(i));

    /// <summary>crash1: cut the peer off and drop its activation (volatile state); storage keeps the rest.</summary>
    public async Task CrashAsync(int i)
    {
        Disconnect(i);
        if (_crashed.Add(i))
        {
            await Peer(i).CrashAsync();
        }
    }

    /// <summary>start1: the peer comes back from storage (the next call activates it); connect it separately.</summary>
    public async Task RestartAsync(int i)
    {
        _crashed.Remove(i);
        await Peer(i).GetStateAsync();
    }

    public async Task<PeerState> StateAsync(int i) => await Peer(i).GetStateAsync();

    /// <summary>checkOneLeader: a leader among the connected peers within ~5 s, never two in one term.</summary>
    public async Task<int> CheckOneLeaderAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var leaders = new Dictionary<long, List<int>>();
            for (var i = 0; i < Count; i++)
            {
                if (IsConnected(i) && await StateAsync(i) is { IsLeader: true } state)
                {
                    RecordLeader(state.Term, i);
                    leaders.TryAdd(state.Term, []);
                    leaders[state.Term].Add(i);
                }
            }

            foreach (var (term, peers) in leaders)
            {
                Assert.True(peers.Count == 1, $"term {term} has {peers.Count} (>1) leaders");
            }

            if (leaders.Count > 0)
            {
                return leaders[leaders.Keys.Max()][0];
            }

            await Task.Delay(Poll);
        }

        Assert.Fail("expected one leader, got none");
        return -1;
    }

    /// <summary>checkTerms: every connected peer reports the same term.</summary>
    public async Task<long> CheckTermsAsync()
    {
        long term = -1;
        for (var i = 0; i < Count; i++)
        {
            if (IsConnected(i))
            {
                var theirs = (await StateAsync(i)).Term;
                Assert.True(term == -1 || term == theirs, "servers disagree on term");
                term = theirs;
            }
        }

        return term;
    }

    /// <summary>
    /// checkNoLeader: a minority cannot elect. Over the window no connected peer wins an election (claims
    /// leadership in a term newer than any seen at the start), and by its end none claims leadership at all:
    /// a leader cut off from its majority may believe in itself only until check-quorum steps it down.
    /// </summary>
    public async Task CheckNoLeaderForAsync(TimeSpan window)
    {
        long startTerm = 0;
        for (var i = 0; i < Count; i++)
        {
            if (IsConnected(i))
            {
                startTerm = Math.Max(startTerm, (await StateAsync(i)).Term);
            }
        }

        var until = DateTime.UtcNow + window;
        var leaders = new List<string>();
        do
        {
            await Task.Delay(Poll);
            leaders.Clear();
            for (var i = 0; i < Count; i++)
            {
                if (IsConnected(i) && await StateAsync(i) is { IsLeader: true } state)
                {
                    Assert.True(state.Term <= startTerm, $"{PeerId(i)} was elected leader of term {state.Term} without a majority");
                    leaders.Add($"{PeerId(i)} (term {state.Term})");
                }
            }
        }
        while (DateTime.UtcNow < until);

        Assert.True(leaders.Count == 0, $"expected no leader among connected servers, but {string.Join(", ", leaders)} still claim to lead");
    }

    /// <summary>Starts <paramref name="count"/> random commands on one peer without waiting; returns the last index.</summary>
    public async Task<long> StartManyAsync(int peer, int count)
    {
        long last = 0;
        for (var i = 0; i < count; i++)
        {
            last = (await Peer(peer).StartAsync(RecordingStateMachine.Command(Random.Shared.Next()))).Index;
        }

        return last;
    }

    /// <summary>Gives uncommittable entries time to reach a peer's log (the lab sleeps 0.5 s); false if they do not within 2 s.</summary>
    public async Task<bool> WaitForLogAsync(int peer, long lastIndex)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            if ((await StateAsync(peer)).LastIndex >= lastIndex)
            {
                return true;
            }

            await Task.Delay(Poll);
        }

        return false;
    }

    /// <summary>No election happens while nothing fails: the term stays put over the window.</summary>
    public async Task CheckNoLeaderChangeAsync(TimeSpan window)
    {
        var term = await CheckTermsAsync();
        var until = DateTime.UtcNow + window;
        do
        {
            await Task.Delay(Poll);
            Assert.Equal(term, await CheckTermsAsync());
        }
        while (DateTime.UtcNow < until);
    }

    /// <summary>Index stays uncommitted on every peer for the whole window (no majority can commit it).</summary>
    public async Task CheckNotCommittedForAsync(long index, TimeSpan window)
    {
        var until = DateTime.UtcNow + window;
        do
        {
            var (count, _) = NCommitted(index);
            Assert.True(count == 0, $"{count} committed index {index} but no majority");
            await Task.Delay(Poll);
        }
        while (DateTime.UtcNow < until);
    }

    /// <summary>nCommitted: how many peers applied index, failing on any apply-checker error.</summary>
    public (int Count, int? Value) NCommitted(long index)
    {
        Assert.Empty(Applied.Errors);
        return Applied.Committed(index);
    }

    /// <summary>
    /// one(): submit <paramref name="command"/> to the connected peers in turn until one leader accepts, then
    /// wait up to 2 s for <paramref name="expected"/> peers to apply it; 10 s overall.
    /// </summary>
    public async Task<long> OneAsync(int command, int expected, bool retry)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var starter = 0;
        while (DateTime.UtcNow < deadline)
        {
            long index = -1;
            for (var k = 0; k < Count; k++)
            {
                starter = (starter + 1) % Count;
                if (IsConnected(starter) && await Peer(starter).StartAsync(RecordingStateMachine.Command(command)) is { IsLeader: true } result)
                {
                    index = result.Index;
                    break;
                }
            }

            if (index != -1)
            {
                var agreed = DateTime.UtcNow + TimeSpan.FromSeconds(2);
                while (DateTime.UtcNow < agreed)
                {
                    var (count, value) = NCommitted(index);
                    if (count >= expected && value == command)
                    {
                        return index;
                    }

                    await Task.Delay(Poll);
                }

                Assert.True(retry, $"one({command}) failed to reach agreement");
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }

        Assert.Fail($"one({command}) failed to reach agreement; peers: {await DescribePeersAsync()}");
        return -1;
    }

    /// <summary>Each peer's term, role, commit index and last index, for failure messages.</summary>
    private async Task<string> DescribePeersAsync()
    {
        var states = await Task.WhenAll(Enumerable.Range(0, Count).Select(StateAsync));
        return string.Join("; ", states.Select((s, i) =>
            $"{PeerId(i)}{(IsConnected(i) ? "" : " (disconnected)")}: term {s.Term}{(s.IsLeader ? " leader" : "")}, commit {s.CommitIndex}, last {s.LastIndex}"));
    }

    /// <summary>wait(): until n peers applied index; -1 when some peer moved past startTerm first.</summary>
    public async Task<int?> WaitAsync(long index, int n, long startTerm)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var (count, value) = NCommitted(index);
            if (count >= n)
            {
                return value;
            }

            await Task.Delay(delay);
            if (delay < TimeSpan.FromSeconds(1))
            {
                delay *= 2;
            }

            if (startTerm > -1)
            {
                for (var i = 0; i < Count; i++)
                {
                    if (IsConnected(i) && (await StateAsync(i)).Term > startTerm)
                    {
                        return -1;
                    }
                }
            }
        }

        var (final, finalValue) = NCommitted(index);
        Assert.True(final >= n, $"only {final} decided for index {index}; wanted {n}");
        return finalValue;
    }

    private void RecordLeader(long term, int peer)
    {
        if (!_leadersByTerm.TryGetValue(term, out var leaders))
        {
            leaders = [];
            _leadersByTerm[term] = leaders;
        }

        leaders.Add(PeerId(peer));
        Assert.True(leaders.Count == 1, $"term {term} had two leaders: {string.Join(", ", leaders)}");
    }
}
