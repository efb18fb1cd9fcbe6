using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>
/// Crashes one save at its k-th write point, for every k, and reloads: a crash-consistent store shows the state
/// before the save or after it, never anything else, and the loader accepts it.
/// </summary>
public static class CrashPointSweep
{
    public static async Task<SweepResult> RunAsync(StoreUnderTest store, SaveCase save)
    {
        var points = new List<(int Point, string Outcome)>();
        for (var k = 1; ; k++)
        {
            var peer = $"sweep{Guid.NewGuid():N}/p0";
            var storage = store.Open();
            var incarnation = (await storage.ClaimAsync(peer, new RaftGroupConfig(peer[..^3], ["p0", "p1", "p2"], "recorder"), location: null)).Incarnation;
            foreach (var write in save.Before)
            {
                await storage.SaveAsync(peer, incarnation, write);
            }

            var before = await storage.ReadAsync(peer);
            var after = StoredState.Apply(before, save.Write);
            store.Plan.Arm(k);
            try
            {
                await storage.SaveAsync(peer, incarnation, save.Write);
            }
            catch (SimulatedCrashException)
            {
            }
            finally
            {
                store.Plan.Disarm();
                await store.CloseAsync(storage);
            }

            var reopened = store.Open();
            var outcome = await ReloadAsync(reopened, peer, StoredState.Describe(before), StoredState.Describe(after));
            await store.CloseAsync(reopened);
            if (!store.Plan.Fired)
            {
                return new SweepResult(save.Name, points, outcome);
            }

            points.Add((k, outcome));
        }
    }

    private static async Task<string> ReloadAsync(IRaftStorage storage, string peer, string before, string after)
    {
        try
        {
            var loaded = StoredState.Describe(RaftPeerDataValidator.Validate(peer, await storage.ReadAsync(peer)));
            return loaded == before ? SweepResult.Before : loaded == after ? SweepResult.After : $"neither: {loaded}";
        }
        catch (RaftStorageCorruptException exception)
        {
            return $"refused by the loader: {exception.Message}";
        }
    }
}
