namespace RaftOrleans.Grains.Tests.Raft.Storage;

/// <summary>Where a simulated crash strikes: at the k-th storage write point reached once armed (1-based).</summary>
public sealed class CrashPlan
{
    private int _armedAt;
    private int _reached;

    public bool Fired { get; private set; }

    public void Arm(int k)
    {
        _armedAt = k;
        _reached = 0;
        Fired = false;
    }

    public void Disarm() => _armedAt = 0;

    /// <summary>Called at every write point; throws at the armed one.</summary>
    public void Reach()
    {
        if (_armedAt > 0 && ++_reached == _armedAt)
        {
            Fired = true;
            throw new SimulatedCrashException(_armedAt);
        }
    }
}
