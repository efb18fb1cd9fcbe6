using System.Diagnostics;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// Watches where a group's peers run, four times a second, and measures the windows in which one silo held a majority
/// of them while as many silos as peers were up: the time in which one more fault, of that silo, would stop the group.
/// </summary>
public sealed class DoubledPeerWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TimeSpan> _windows = [];
    private readonly Task _loop;

    public DoubledPeerWatch(SiloProcessCluster cluster, IGrainFactory grains, string group, IReadOnlyList<string> peers, Stopwatch clock) =>
        _loop = Task.Run(async () =>
        {
            TimeSpan? since = null;
            while (!_stop.IsCancellationRequested)
            {
                var states = await RaftGroupProbe.StatesAsync(grains, group, peers, TimeSpan.FromMilliseconds(500));
                var up = cluster.Silos.Count(s => !s.Process.HasExited);
                var silos = states.Select(s => s.State is { } state ? RaftGroupProbe.SiloOf(cluster, state) : null).ToList();
                if (silos.All(s => s is not null))
                {
                    var majority = up >= peers.Count && silos.GroupBy(s => s).Any(g => g.Count() > peers.Count / 2);
                    if (majority)
                    {
                        since ??= clock.Elapsed;
                    }
                    else if (since is { } start)
                    {
                        lock (_windows)
                        {
                            _windows.Add(clock.Elapsed - start);
                        }

                        since = null;
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        });

    /// <summary>Stops watching: the longest window and how many there were.</summary>
    public (TimeSpan Longest, int Count) Stop()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(5));
        lock (_windows)
        {
            return (_windows.DefaultIfEmpty().Max(), _windows.Count);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
