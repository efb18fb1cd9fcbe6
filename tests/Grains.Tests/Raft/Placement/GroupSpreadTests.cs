using RaftOrleans.Raft.Placement;

namespace RaftOrleans.Grains.Tests.Raft.Placement;

/// <summary>The spread of a group's peers: distinct silos when there are enough, as even as possible otherwise.</summary>
public sealed class GroupSpreadTests
{
    private static readonly string[] Silos = ["s1", "s2", "s3"];

    [Theory]
    [InlineData("kv", 3)]
    [InlineData("orders", 3)]
    [InlineData("g-17", 5)]
    public void PeersPlacedAtOnce_BeforeAnyRecordsItsSilo_LandOnDistinctSilos_AsFarAsThereAreSilos(string group, int peers)
    {
        var placed = Enumerable.Range(0, peers).Select(i => GroupSpread.Place(Silos, [], group, i)).ToList();
        var perSilo = placed.GroupBy(s => s).Select(g => g.Count()).ToList();
        Assert.Equal(Math.Min(peers, Silos.Length), perSilo.Count);
        Assert.True(perSilo.Max() - perSilo.Min() <= 1, string.Join(",", placed));
    }

    [Fact]
    public void APeerComingBack_GoesWhereTheGroupHasFewestPeers()
    {
        Assert.Equal("s3", GroupSpread.Place(Silos, ["s1", "s2"], "kv", 0));
        Assert.Equal("s2", GroupSpread.Place(Silos, ["s1", "s1", "s3", "s3"], "kv", 4));
    }

    [Fact]
    public void LocationsOnSilosThatAreGone_DoNotCount()
    {
        Assert.Equal("s1", GroupSpread.Place(["s1"], ["dead", "dead"], "kv", 2));
        Assert.NotEqual("s2", GroupSpread.Place(Silos, ["s2", "gone"], "kv", 2));
    }

    [Fact]
    public void AGroupWithTwoPeersOnOneSiloAndAnEmptySilo_MovesAFollowerThere()
    {
        var move = GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = "s2" }, Silos, leader: "p0", Any);
        Assert.Equal(("p1", "s3"), move);
    }

    [Fact]
    public void AWholeGroupOnOneSilo_MovesAFollowerFirst()
    {
        var locations = new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = "s1" };
        Assert.Equal(("p1", "s2"), GroupSpread.Rebalance(locations, Silos, leader: "p0", Any));
    }

    [Fact]
    public void APeerWithoutWhichTheCaughtUpPeersAreNoMajority_StaysPut_AndAnotherMayGo()
    {
        var locations = new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = "s2" };
        Assert.Null(GroupSpread.Rebalance(locations, Silos, "p0", mayLeave: p => false));
        Assert.Equal(("p0", "s3"), GroupSpread.Rebalance(locations, Silos, "p0", mayLeave: p => p == "p0"));
    }

    [Fact]
    public void AGroupAsEvenAsItCanBe_OrWithAPeerDown_StaysWhereItIs()
    {
        Assert.Null(GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s2", ["p2"] = "s3" }, Silos, "p0", Any));
        Assert.Null(GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = "s2", ["p3"] = "s2", ["p4"] = "s3" }, Silos, "p0", Any));
        Assert.Null(GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = null }, Silos, "p0", Any));
        Assert.Null(GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1", ["p2"] = "gone" }, Silos, "p0", Any));
        Assert.Null(GroupSpread.Rebalance(new Dictionary<string, string?> { ["p0"] = "s1", ["p1"] = "s1" }, ["s1"], "p0", Any));
    }

    private static bool Any(string peer) => true;
}
