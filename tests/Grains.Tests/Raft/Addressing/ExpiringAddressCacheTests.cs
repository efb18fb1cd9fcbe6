using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.GrainDirectory;
using Orleans.TestingHost;
using RaftOrleans.Raft.Addressing;

namespace RaftOrleans.Grains.Tests.Raft.Addressing;

/// <summary>A silo's cached peer addresses expire, so a peer that moved is found again without its old silo's help.</summary>
[Collection(RaftCollection.Name)]
public sealed class ExpiringAddressCacheTests(RaftClusterFixture fixture)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMilliseconds(500);
    private static readonly GrainId Peer = GrainId.Create("raftpeer", "kv/p1");

    [Fact]
    public void AnAddress_IsServedUntilItsTimeToLive_ThenTheDirectoryIsAskedAgain()
    {
        var time = new FakeTimeProvider();
        var cache = new ExpiringAddressCache(time, Ttl, capacity: 100);
        var address = AddressOn(1);
        cache.AddOrUpdate(address, 7);

        time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.LookUp(Peer, out var found, out var version));
        Assert.Equal((address, 7), (found, version));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.LookUp(Peer, out _, out _));
        Assert.Empty(cache.KeyValues);
    }

    [Fact]
    public void AnUpdate_RestartsTheTimeToLive()
    {
        var time = new FakeTimeProvider();
        var cache = new ExpiringAddressCache(time, Ttl, capacity: 100);
        cache.AddOrUpdate(AddressOn(1), 0);
        time.Advance(Ttl / 2);
        var moved = AddressOn(2);
        cache.AddOrUpdate(moved, 0);

        time.Advance(Ttl / 2);
        Assert.True(cache.LookUp(Peer, out var found, out _));
        Assert.Equal(moved, found);
    }

    [Fact]
    public void RemovingAnAddress_RemovesOnlyThatActivation()
    {
        var cache = new ExpiringAddressCache(new FakeTimeProvider(), Ttl, capacity: 100);
        var current = AddressOn(2);
        cache.AddOrUpdate(current, 0);

        Assert.False(cache.Remove(AddressOn(1)));
        Assert.True(cache.LookUp(Peer, out _, out _));
        Assert.True(cache.Remove(current));
        Assert.False(cache.LookUp(Peer, out _, out _));
    }

    [Fact]
    public void AFullCache_ForgetsRatherThanGrows()
    {
        var time = new FakeTimeProvider();
        var cache = new ExpiringAddressCache(time, Ttl, capacity: 2);
        cache.AddOrUpdate(AddressOn(1, "kv/p0"), 0);
        time.Advance(Ttl);
        cache.AddOrUpdate(AddressOn(1, "kv/p1"), 0);
        cache.AddOrUpdate(AddressOn(1, "kv/p2"), 0);

        Assert.Equal(2, cache.KeyValues.Count());
        cache.AddOrUpdate(AddressOn(1, "kv/p3"), 0);
        Assert.True(cache.KeyValues.Count() <= 2);
    }

    [Fact]
    public void ASiloWithRaft_UsesItForTheExternalDirectories()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services;
        Assert.IsType<ExpiringAddressCache>(services.GetRequiredService<IGrainDirectoryCache>());
    }

    private static GrainAddress AddressOn(int silo, string key = "kv/p1") => new()
    {
        GrainId = GrainId.Create("raftpeer", key),
        ActivationId = ActivationId.NewId(),
        SiloAddress = SiloAddress.New(System.Net.IPAddress.Loopback, 11_110 + silo, silo),
    };
}
