using System.Threading.Channels;

namespace RaftOrleans.Grains.Tests.MapReduce.Apps;

/// <summary>
/// Lets app code running inside a silo ask the test to kill that silo. The test's driver performs a real
/// <c>KillSiloAsync</c> and starts a replacement; the calling thread waits until its silo is gone, so
/// nothing it does afterwards can reach the cluster as that silo.
/// </summary>
public sealed class SiloKillSwitch
{
    private readonly Channel<KillRequest> _requests = Channel.CreateUnbounded<KillRequest>();

    private int _kills;

    public ChannelReader<KillRequest> Requests => _requests.Reader;

    /// <summary>How many kills the driver performed.</summary>
    public int Kills => Volatile.Read(ref _kills);

    /// <summary>False when the driver declined (e.g. the primary silo, which hosts the test's membership).</summary>
    public bool TryKill(string workerId)
    {
        var request = new KillRequest(workerId, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_requests.Writer.TryWrite(request))
        {
            return false;
        }

        // This is an app thread of a silo about to die, not a grain thread: waiting here is the point.
        var killed = request.Done.Task.GetAwaiter().GetResult();
        if (killed)
        {
            Interlocked.Increment(ref _kills);
        }

        return killed;
    }

    /// <summary>From now on every request is declined.</summary>
    public void Close() => _requests.Writer.TryComplete();

    public sealed record KillRequest(string WorkerId, TaskCompletionSource<bool> Done);
}
