using System.Diagnostics;

namespace RaftOrleans.Bench;

/// <summary>Diagnostics: one ExecuteAsync and one StartAsync on a fresh group, with timings.</summary>
internal static class ProbeBench
{
    public static async Task RunAsync(string[] args)
    {
        await using var cluster = await RaftBenchCluster.StartAsync(3, RaftStorage.Memory);
        var group = new RaftGroup(cluster.Grains, $"probe-{Guid.NewGuid():N}"[..14], 3);
        await group.StartAsync();
        var (leader, term) = await group.FindLeaderAsync(TimeSpan.FromSeconds(5));
        Console.WriteLine($"leader p{leader} term {term} placed {await group.PlacementAsync()}");
        var clock = Stopwatch.StartNew();
        var start = await group.Peer(leader).StartAsync([1, 2, 3]);
        Console.WriteLine($"start: {start} in {clock.Elapsed.TotalMilliseconds} ms");
        clock.Restart();
        var exec = group.Peer(leader).ExecuteAsync([1, 2, 3]);
        var done = await Task.WhenAny(exec, Task.Delay(5000));
        Console.WriteLine($"execute: {(done == exec ? exec.Status.ToString() + " " + exec.Exception?.GetBaseException().Message : "not done after 5 s")} in {clock.Elapsed.TotalMilliseconds} ms");
        Console.WriteLine($"state: {await group.Peer(leader).GetStateAsync()}");
    }
}
