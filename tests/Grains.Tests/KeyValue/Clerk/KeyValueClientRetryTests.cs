using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>
/// When a clerk sends a request again: not while its peer goes on answering the process's other clerks (busy, not
/// gone: a resend would append the command once more and lengthen the queue), but when nobody hears from the peer.
/// </summary>
public sealed class KeyValueClientRetryTests
{
    private static readonly string[] Peers = ["p0", "p1", "p2"];

    /// <summary>Well past the shortest attempt timeout (250 ms) that a clerk with fast answers uses, well under the longest (1 s).</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task AnAttemptPastItsTimeout_WhileThePeerAnswersOtherClerks_IsWaitedFor_NotSentAgain()
    {
        var (router, slowClerk, group) = await ClerkWithFastAnswersAsync();
        router.DelayOf = (key, _) => key == "slow" ? Slow : TimeSpan.Zero;
        var busyClerk = new KeyValueClient(RouterOnlyGrainFactory.Create(router), group, Peers);

        var slowPut = slowClerk.PutAsync("slow", "v");
        var others = 0;
        while (!slowPut.IsCompleted)
        {
            await busyClerk.PutAsync($"fast-{others++}", "v");
            await Task.Delay(5);
        }

        await slowPut;
        Assert.True(others > 0);
        Assert.Equal(1, router.ArrivalsOf(slowClerk.ClientId, WarmUpPuts + 1));
    }

    [Fact]
    public async Task AnAttemptPastItsTimeout_WhenNoClerkHearsFromThePeer_IsSentAgain()
    {
        var (router, clerk, _) = await ClerkWithFastAnswersAsync();
        router.DelayOf = (key, arrival) => key == "slow" && arrival == 1 ? Slow : TimeSpan.Zero;

        await clerk.PutAsync("slow", "v");

        Assert.Equal(2, router.ArrivalsOf(clerk.ClientId, WarmUpPuts + 1));
    }

    [Fact]
    public async Task WhenTheLeaderFallsSilent_TheNewLeaderIsFound_ThoughTheFollowersStillNameTheOldOne()
    {
        var (router, clerk, _) = await ClerkWithFastAnswersAsync();
        router.Silent.Add("p0");
        router.Hint = "p0";

        var put = clerk.PutAsync("after", "v");
        while (router.NotLeaderAnswers < 6)
        {
            Assert.False(put.IsCompleted);
            await Task.Delay(10);
        }

        router.Leader = "p2";
        await put.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, router.ArrivalsOf(clerk.ClientId, WarmUpPuts + 1));
    }

    private const int WarmUpPuts = 8;

    /// <summary>A clerk of a group of its own whose attempts have all been answered at once, so its attempt timeout is the shortest.</summary>
    private static async Task<(ScriptedRouter Router, KeyValueClient Clerk, string Group)> ClerkWithFastAnswersAsync()
    {
        var router = new ScriptedRouter();
        var group = $"retry-{Guid.NewGuid():N}";
        var clerk = new KeyValueClient(RouterOnlyGrainFactory.Create(router), group, Peers);
        for (var i = 0; i < WarmUpPuts; i++)
        {
            await clerk.PutAsync($"warm-{i}", "v");
        }

        return (router, clerk, group);
    }
}
