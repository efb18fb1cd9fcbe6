namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// Every kind of save, crashed at each of its write points on each store the project ships, then reloaded:
/// the state is the one before the save or the one after it. The non-atomic double shows the sweep can fail.
/// </summary>
public sealed class CrashPointSweepTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> StoresAndSaves()
    {
        var data = new TheoryData<string, string>();
        foreach (var store in new[] { "sqlite", "memory", "redis" })
        {
            foreach (var save in SaveCases.All)
            {
                data.Add(store, save.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StoresAndSaves))]
    public async Task ACrashAtAnyWritePoint_LeavesTheStateBeforeOrAfterTheSave(string store, string save)
    {
        using var under = StoreUnderTest.Create(store);
        var result = await CrashPointSweep.RunAsync(under, SaveCases.Named(save));
        output.WriteLine(result.Describe());

        Assert.Equal(SweepResult.After, result.Completed);
        Assert.NotEmpty(result.Crashes);
        Assert.Equal(SweepResult.Before, result.Crashes[0].Outcome);
        Assert.Empty(result.Bad);
    }

    [Fact]
    public async Task TheSweep_FindsTheCrashPointsOfAStoreThatSavesPartByPart()
    {
        var bad = new List<string>();
        foreach (var save in SaveCases.All)
        {
            using var under = StoreUnderTest.Create("non-atomic");
            var result = await CrashPointSweep.RunAsync(under, save);
            output.WriteLine(result.Describe());
            Assert.Equal(SweepResult.After, result.Completed);
            if (result.Bad.Any())
            {
                bad.Add(save.Name);
            }
        }

        // The splices of the review: a conflicting append cut half-way, and a snapshot over a log not yet emptied.
        Assert.Contains("conflicting append far below the old end", bad);
        Assert.Contains("snapshot over a conflicting log", bad);
        Assert.Contains("long append", bad);
    }
}
