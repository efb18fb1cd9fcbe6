using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>The attempt timeout: the longest until an answer came, then the smoothed round trip plus four deviations, within bounds.</summary>
public sealed class RoundTripTimerTests
{
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(1);

    [Fact]
    public void BeforeAnyAnswer_TheLongestTimeoutHolds() =>
        Assert.Equal(Longest, new RoundTripTimer(Longest).Timeout);

    [Fact]
    public void FastAnswers_GiveTheShortestTimeout_NotLess()
    {
        var timer = new RoundTripTimer(Longest);
        for (var i = 0; i < 20; i++)
        {
            timer.Observe(TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(RoundTripTimer.Shortest, timer.Timeout);
    }

    [Fact]
    public void TheFirstAnswer_CountsHalfItsRoundTripAsDeviation()
    {
        var timer = new RoundTripTimer(Longest);
        timer.Observe(TimeSpan.FromMilliseconds(100));

        // 100 + 4 * 50
        Assert.Equal(TimeSpan.FromMilliseconds(300), timer.Timeout);
    }

    [Fact]
    public void AnAnswerSlowerThanUsual_WidensTheTimeout_ByItsDeviation()
    {
        var timer = new RoundTripTimer(Longest);
        timer.Observe(TimeSpan.FromMilliseconds(100));
        timer.Observe(TimeSpan.FromMilliseconds(180));

        // deviation 0.75 * 50 + 0.25 * 80 = 57.5; smoothed 0.875 * 100 + 0.125 * 180 = 110
        Assert.Equal(TimeSpan.FromMilliseconds(110 + (4 * 57.5)), timer.Timeout);
    }

    [Fact]
    public void SlowAnswers_NeverTakeItPastTheLongest()
    {
        var timer = new RoundTripTimer(Longest);
        timer.Observe(TimeSpan.FromSeconds(3));

        Assert.Equal(Longest, timer.Timeout);
    }
}
