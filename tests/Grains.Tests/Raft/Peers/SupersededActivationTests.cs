using System.Text;

namespace RaftOrleans.Grains.Tests.Raft.Peers;

/// <summary>
/// Two activations of one peer at once (a paused silo declared dead resumes while two silos still route to it): the
/// superseded one writes nothing, so fencing alone never stops it, yet its answers would count. The ownership lease
/// keeps it from confirming reads, acknowledging and voting once the new one may speak.
/// </summary>
public sealed class SupersededActivationTests
{
    /// <summary>
    /// The counterexample: group {L, F, G}; a second activation Fb claims F's storage while Fa still runs;
    /// {L, Fa} | {G, Fb}; G wins a newer term with Fb and commits "2", acknowledged to its client; then a read of L,
    /// still leader of the old term as far as Fa's answers go, must not return "1".
    /// </summary>
    [Fact]
    public async Task ASupersededFollower_ConfirmsNoReadOfTheOldLeader_OnceTheNewActivationHelpedCommitAWrite()
    {
        var net = new PeerNetwork("n1", "n2", "n3");
        foreach (var id in net.Group.PeerIds)
        {
            net.Start(id);
        }

        net.TickUntil(() => net.Running.Any(a => a.IsLeader), ticks: 200, "a first election");
        var leader = net.Running.Single(a => a.IsLeader);
        var (superseded, third) = net.Running.Where(a => a != leader).ToArray() switch { var f => (f[0], f[1]) };
        var first = leader.Peer.ExecuteAsync(Encoding.UTF8.GetBytes("1"));
        net.TickUntil(() => first.IsCompleted, ticks: 20, "the first write");

        var fresh = net.Start(superseded.Id);
        var oldSide = new HashSet<PeerNetwork.Activation> { leader, superseded };
        net.Route = (from, to) => net.Running.LastOrDefault(a => a.Id == to && oldSide.Contains(a) == oldSide.Contains(from));

        net.TickUntil(() => third.IsLeader, ticks: 400, "an election on the new activation's side");
        var second = third.Peer.ExecuteAsync(Encoding.UTF8.GetBytes("2"));
        net.TickUntil(() => second.IsCompleted, ticks: 40, "the second write");
        Assert.True(second.IsCompletedSuccessfully, net.Describe());

        var read = leader.IsLeader ? leader.Peer.QueryAsync([]) : Task.FromResult<byte[]>([]);
        net.Tick(100);

        if (read.IsCompletedSuccessfully)
        {
            Assert.NotEqual("1", RegisterStateMachine.Text(await read));
        }

        Assert.True(superseded.Peer.IsStopped, $"the superseded activation still runs: {net.Describe()}");
        Assert.False(fresh.Peer.IsStopped, net.Describe());
    }

    [Fact]
    public void ANewActivation_IsSilentForALeaseAfterItsClaim_ThenSpeaks()
    {
        var net = new PeerNetwork("n1", "n2", "n3");
        foreach (var id in net.Group.PeerIds)
        {
            net.Start(id);
        }

        net.TickUntil(() => net.Running.Any(a => a.IsLeader), ticks: 200, "a first election");
        var follower = net.Running.First(a => !a.IsLeader);
        var replacement = net.Start(follower.Id);
        var claimed = net.Time.GetTimestamp();
        var firstWord = (long?)null;
        net.Route = (from, to) =>
        {
            if (from == replacement)
            {
                firstWord ??= net.Time.GetTimestamp();
            }

            return net.Running.LastOrDefault(a => a.Id == to);
        };

        net.TickUntil(() => firstWord is not null, ticks: 40, "the replacement's first message");

        Assert.True(net.Time.GetElapsedTime(claimed, firstWord!.Value) >= net.Options.OwnershipLease);
    }
}
