namespace RaftOrleans.Grains.Tests.Storage;

/// <summary>Starts the lifecycle participants a provider subscribed, in order, as a silo would.</summary>
internal sealed class SiloLifecycleStub : ISiloLifecycle
{
    private readonly List<ILifecycleObserver> _observers = [];

    public int HighestCompletedStage => 0;

    public int LowestStoppedStage => 0;

    public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
    {
        _observers.Add(observer);
        return new NoDispose();
    }

    public async Task RunAsync()
    {
        foreach (var observer in _observers)
        {
            await observer.OnStart(CancellationToken.None);
        }
    }

    private sealed class NoDispose : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
