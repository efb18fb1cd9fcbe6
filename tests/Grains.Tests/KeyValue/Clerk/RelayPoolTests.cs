using Microsoft.Extensions.Time.Testing;
using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue.Clerk;

/// <summary>A relay whose attempt timed out is avoided for the quarantine, then used again; with all avoided, any serves.</summary>
public sealed class RelayPoolTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AnAvoidedRelay_IsUnusableForTheQuarantine_ThenUsableAgain()
    {
        var pool = new RelayPool(_time, new Random(1));

        pool.Avoid(7);
        Assert.False(pool.IsUsable(7));
        _time.Advance(RelayPool.Quarantine - TimeSpan.FromMilliseconds(1));
        Assert.False(pool.IsUsable(7));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(pool.IsUsable(7));
    }

    [Fact]
    public void AvoidingTheCurrentRelay_MovesItToAUsableOne()
    {
        var pool = new RelayPool(_time, new Random(2));
        var first = pool.Current;

        pool.Avoid(first);

        Assert.NotEqual(first, pool.Current);
        Assert.True(pool.IsUsable(pool.Current));
    }

    [Fact]
    public void APick_IsNeverAnAvoidedRelay_WhileAnotherIsUsable()
    {
        var pool = new RelayPool(_time, new Random(3));
        for (var relay = 0; relay < RelayPool.Size - 1; relay++)
        {
            pool.Avoid(relay);
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(RelayPool.Size - 1, pool.PickUsable());
        }

        pool.Avoid(RelayPool.Size - 1);
        Assert.InRange(pool.PickUsable(), 0, RelayPool.Size - 1);
    }
}
