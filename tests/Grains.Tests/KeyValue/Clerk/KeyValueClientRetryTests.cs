using Microsoft.Extensions.Time.Testing;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>
/// When a clerk sends a request again: not while its peer goes on answering the process's other clerks (busy, not
/// gone: a resend would append the command once more and lengthen the queue), but when nobody hears from the peer; and
/// how it finds a new leader that the followers do not know of yet. On fake time: the relays answer on it, and every
/// timeout and back-off of the clerks runs on it, so each step happens when the test advances the clock.
/// </summary>
public sealed class KeyValueClientRetryTests
{
    private static readonly string[] Peers = ["p0", "p1", "p2"];

    /// <summary>Past the shortest attempt timeout (250 ms) that a clerk with fast answers uses, under the longest (1 s).</summary>
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(600);

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private const int WarmUpPuts = 8;

    /// <summary>Three seconds of fake time: far more than any answer here takes.</summary>
    private const int MaxSteps = 300;

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedRouter _router;
    private readonly IGrainFactory _grains;
    private readonly string _group = $"retry-{Guid.NewGuid():N}";

    public KeyValueClientRetryTests()
    {
        _router = new ScriptedRouter(_time);
        _grains = RouterOnlyGrainFactory.Create(_router);
    }

    [Fact]
    public async Task AnAttemptPastItsTimeout_WhileThePeerAnswersOtherClerks_IsWaitedFor_NotSentAgain()
    {
        var slowClerk = await ClerkWithFastAnswersAsync();
        _router.DelayOf = (key, _) => key == "slow" ? Slow : TimeSpan.Zero;
        var busyClerk = new KeyValueClient(_grains, _group, Peers, time: _time);

        var slowPut = slowClerk.PutAsync("slow", "v");
        var started = _time.GetUtcNow();
        var others = 0;
        while (!slowPut.IsCompleted)
        {
            Assert.True(others < MaxSteps, $"the slow put was not answered within {MaxSteps * Step.TotalMilliseconds} ms");
            await busyClerk.PutAsync($"fast-{others++}", "v");
            _time.Advance(Step);
        }

        await slowPut;
        Assert.True(_time.GetUtcNow() - started >= Slow);
        Assert.Equal(1, _router.ArrivalsOf(slowClerk.ClientId, WarmUpPuts + 1));
    }

    [Fact]
    public async Task AnAttemptPastItsTimeout_WhenNoClerkHearsFromThePeer_IsSentAgain()
    {
        var clerk = await ClerkWithFastAnswersAsync();
        _router.DelayOf = (key, arrival) => key == "slow" && arrival == 1 ? Slow : TimeSpan.Zero;

        var put = clerk.PutAsync("slow", "v");
        var started = _time.GetUtcNow();
        for (var steps = 0; !put.IsCompleted; steps++)
        {
            Assert.True(steps < MaxSteps, $"the put was not answered within {MaxSteps * Step.TotalMilliseconds} ms");
            _time.Advance(Step);
        }

        await put;
        Assert.True(_time.GetUtcNow() - started < Slow, "the resend was answered before the first attempt would have been");
        Assert.Equal(2, _router.ArrivalsOf(clerk.ClientId, WarmUpPuts + 1));
    }

    [Fact]
    public async Task WhenTheLeaderFallsSilent_TheNewLeaderIsFound_ThoughTheFollowersStillNameTheOldOne()
    {
        var clerk = await ClerkWithFastAnswersAsync();
        _router.Silent.Add("p0");
        _router.Hint = "p0";

        var put = clerk.PutAsync("after", "v");
        for (var steps = 0; _router.NotLeaderAnswers < 6; steps++)
        {
            Assert.True(steps < MaxSteps, "the followers were not asked six times");
            Assert.False(put.IsCompleted);
            _time.Advance(Step);
        }

        _router.Leader = "p2";
        for (var steps = 0; !put.IsCompleted; steps++)
        {
            Assert.True(steps < 10, "the new leader was not asked within 100 ms of its election");
            _time.Advance(Step);
        }

        await put;
        Assert.Equal(1, _router.ArrivalsOf(clerk.ClientId, WarmUpPuts + 1));
    }

    [Fact]
    public async Task AWriteTheStorageRefusesAtItsFirstAttempt_EndsAsNotApplied_WithoutAResend()
    {
        var clerk = await ClerkWithFastAnswersAsync();
        _router.Full = true;

        await Assert.ThrowsAsync<RaftStorageUnavailableException>(() => clerk.PutAsync("k", "v"));

        Assert.Equal(1, _router.Refusals);
    }

    [Fact]
    public async Task AWriteRefusedAfterAnAttemptThatMayHaveTakenEffect_IsAskedAgain_NotReportedAsNotApplied()
    {
        var clerk = await ClerkWithFastAnswersAsync();
        _router.DelayOf = (key, arrival) => key == "slow" && arrival == 1 ? TimeSpan.FromHours(1) : TimeSpan.Zero;

        var put = clerk.PutAsync("slow", "v");
        for (var steps = 0; _router.ArrivalsOf(clerk.ClientId, WarmUpPuts + 1) < 1; steps++)
        {
            Assert.True(steps < MaxSteps);
            _time.Advance(Step);
        }

        // The first attempt is lost in a silent peer; the resends find the disk full, then space again.
        _router.Full = true;
        for (var steps = 0; _router.Refusals < 3; steps++)
        {
            Assert.True(steps < MaxSteps, "the write was not asked again");
            Assert.False(put.IsCompleted);
            _time.Advance(Step);
        }

        _router.Full = false;
        for (var steps = 0; !put.IsCompleted; steps++)
        {
            Assert.True(steps < MaxSteps, "the write was not answered once the disk had space");
            _time.Advance(Step);
        }

        await put;
    }

    /// <summary>A clerk whose attempts have all been answered at once, so its attempt timeout is the shortest.</summary>
    private async Task<KeyValueClient> ClerkWithFastAnswersAsync()
    {
        var clerk = new KeyValueClient(_grains, _group, Peers, time: _time);
        for (var i = 0; i < WarmUpPuts; i++)
        {
            await clerk.PutAsync($"warm-{i}", "v");
        }

        return clerk;
    }
}
