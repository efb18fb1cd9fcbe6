using RaftOrleans.Grains.Tests.Raft;
using RaftOrleans.KeyValue.Client;

namespace RaftOrleans.Grains.Tests.KeyValue;

/// <summary>The replicated key/value service on Raft peer grains of the shared three-silo cluster.</summary>
[Collection(RaftCollection.Name)]
public sealed class KeyValueServiceTests(RaftClusterFixture fixture)
{
    public const int MaxValueLength = 4096;

    [Fact]
    public async Task PutAppendGet_OneClient()
    {
        var (client, _) = await NewGroupAsync();

        await client.PutAsync("k", "a");
        await client.AppendAsync("k", "b");
        await client.AppendAsync("other", "x");

        Assert.Equal("ab", await client.GetAsync("k"));
        Assert.Equal("x", await client.GetAsync("other"));
        Assert.Equal(string.Empty, await client.GetAsync("never-written"));
    }

    [Fact]
    public async Task DeleteCompareAndSwapScan_OneClient()
    {
        var (client, _) = await NewGroupAsync();
        await client.PutAsync("user/1", "ann");
        await client.PutAsync("user/2", "bob");
        await client.PutAsync("zz", "other");

        Assert.Equal((false, "ann"), await client.CompareAndSwapAsync("user/1", "nobody", "eve"));
        Assert.Equal((true, "amy"), await client.CompareAndSwapAsync("user/1", "ann", "amy"));
        await client.DeleteAsync("user/2");

        var users = await client.ScanAsync("user/", 10);
        Assert.Equal([new("user/1", "amy")], users);
        Assert.Equal(string.Empty, await client.GetAsync("user/2"));
        var bad = await Assert.ThrowsAsync<ArgumentException>(() => client.ScanAsync("user/", 0));
        Assert.Contains("A scan returns 1 to", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_IsRejectedAndChangesNothing()
    {
        var (client, _) = await NewGroupAsync();
        await client.PutAsync("k", "kept");

        var empty = await Assert.ThrowsAsync<ArgumentException>(() => client.PutAsync(string.Empty, "v"));
        Assert.Contains("key must not be empty", empty.Message, StringComparison.Ordinal);
        var big = await Assert.ThrowsAsync<ArgumentException>(() => client.AppendAsync("k", new string('x', MaxValueLength + 1)));
        Assert.Contains("limit", big.Message, StringComparison.Ordinal);

        Assert.Equal("kept", await client.GetAsync("k"));
    }

    private async Task<(KeyValueClient Client, string Group)> NewGroupAsync()
    {
        var group = $"kv-{Guid.NewGuid():N}"[..12];
        var peers = new[] { "p0", "p1", "p2" };
        await KeyValueClient.CreateGroupAsync(fixture.Cluster.GrainFactory, group, peers);
        return (new KeyValueClient(fixture.Cluster.GrainFactory, group, peers, new RaftOrleans.KeyValue.KvLimits(MaxValueLength: MaxValueLength)), group);
    }
}
