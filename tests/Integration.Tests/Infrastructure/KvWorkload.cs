using System.Diagnostics;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.Linearizability;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>
/// Clerks of a key/value group, each one request at a time without pause: gets, puts and appends on a few keys,
/// every call recorded for the linearizability checker, and appends to a journal key that is only appended to (so
/// every acknowledged one must be in its final value). It keeps the time of every completed write, to find the
/// longest stretch in which no write completed, and of every read. A write the group's storage refused
/// (<see cref="RaftStorageUnavailableException"/>) is counted and leaves the history, as the refusal promised it took no
/// effect (the checker then holds the group to that); a refused journal append must be missing from the journal.
/// </summary>
/// <param name="readers">Clerks beyond <paramref name="clerks"/> that only read.</param>
public sealed class KvWorkload(IGrainFactory grains, string group, IReadOnlyList<string> peers, int clerks, Stopwatch clock, int readers = 0) : IAsyncDisposable
{
    private const string Journal = "journal";
    private static readonly string[] Keys = ["a", "b", "c"];

    private readonly HistoryRecorder<KvInput, KvOutput> _history = new();
    private readonly List<TimeSpan> _writes = [];
    private readonly List<string> _journal = [];
    private readonly List<TimeSpan> _reads = [];
    private readonly List<(TimeSpan At, TimeSpan Took)> _refusals = [];
    private readonly List<string> _refusedJournal = [];
    private readonly CancellationTokenSource _stop = new();
    private Task[] _loops = [];

    public int Writes
    {
        get
        {
            lock (_writes)
            {
                return _writes.Count;
            }
        }
    }

    /// <summary>Writes the storage refused: when each was answered and how long it took.</summary>
    public IReadOnlyList<(TimeSpan At, TimeSpan Took)> Refusals
    {
        get
        {
            lock (_refusals)
            {
                return [.. _refusals];
            }
        }
    }

    public int ReadsBetween(TimeSpan from, TimeSpan to)
    {
        lock (_reads)
        {
            return _reads.Count(t => t >= from && t <= to);
        }
    }

    public void Start() => _loops = Enumerable.Range(0, clerks + readers).Select(id => Task.Run(() => RunAsync(id, readOnly: id >= clerks))).ToArray();

    /// <summary>Waits until <paramref name="count"/> more writes completed.</summary>
    public async Task WaitForWritesAsync(int count, TimeSpan timeout)
    {
        var target = Writes + count;
        var deadline = clock.Elapsed + timeout;
        while (Writes < target)
        {
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"fewer than {count} writes completed in {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>The longest time within [<paramref name="from"/>, <paramref name="to"/>] in which no write completed, and when it began.</summary>
    public (TimeSpan Gap, TimeSpan Start) LongestGap(TimeSpan from, TimeSpan to)
    {
        lock (_writes)
        {
            var times = _writes.Where(t => t > from && t < to).Prepend(from).Append(to).ToList();
            return times.Zip(times.Skip(1), (a, b) => (b - a, a)).MaxBy(g => g.Item1);
        }
    }

    /// <summary>Stops the clerks (each finishes its call under way, or leaves it pending after 30 s) and checks what they saw.</summary>
    /// <returns>The checker's verdict, the operations checked, acknowledged journal appends missing from the journal, and refused ones in it.</returns>
    public async Task<(CheckResult Verdict, int Operations, IReadOnlyList<string> LostAppends, IReadOnlyList<string> RefusedButApplied)> StopAndCheckAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);

        // The final reads belong to the history: they must see every write acknowledged before them.
        var reader = new KeyValueClient(grains, group, peers);
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var key in Keys)
        {
            var handle = _history.Invoke(clerks + readers, KvInput.Get(key));
            _history.Complete(handle, new KvOutput(await reader.GetAsync(key, reading.Token)));
        }

        var journal = await reader.GetAsync(Journal, reading.Token);
        var ops = _history.History();
        List<string> lost;
        lock (_journal)
        {
            lost = _journal.Where(v => !journal.Contains(v, StringComparison.Ordinal)).ToList();
        }

        List<string> refusedButApplied;
        lock (_refusals)
        {
            refusedButApplied = _refusedJournal.Where(v => journal.Contains(v, StringComparison.Ordinal)).ToList();
        }

        return (KvModel.Check(ops), ops.Count, lost, refusedButApplied);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(40));
        }
        catch (Exception)
        {
            // Already reported by the test.
        }

        _stop.Dispose();
    }

    private async Task RunAsync(int id, bool readOnly)
    {
        var clerk = new KeyValueClient(grains, group, peers);
        var random = new Random(id);
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var op = readOnly ? 0 : random.Next(4);
            var value = $"[{id}.{n}]";
            var key = op == 3 ? Journal : Keys[random.Next(Keys.Length)];
            var input = op switch { 0 => KvInput.Get(key), 1 => KvInput.Put(key, value), _ => KvInput.Append(key, value) };
            var handle = key == Journal ? -1 : _history.Invoke(id, input);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var called = clock.Elapsed;
            try
            {
                var result = op switch
                {
                    0 => await clerk.GetAsync(key, bound.Token),
                    1 => await Done(clerk.PutAsync(key, value, bound.Token)),
                    _ => await Done(clerk.AppendAsync(key, value, bound.Token)),
                };
                if (key == Journal)
                {
                    lock (_journal)
                    {
                        _journal.Add(value);
                    }
                }
                else
                {
                    _history.Complete(handle, op == 0 ? new KvOutput(result) : KvOutput.Done);
                }

                if (op != 0)
                {
                    lock (_writes)
                    {
                        _writes.Add(clock.Elapsed);
                    }
                }
                else
                {
                    lock (_reads)
                    {
                        _reads.Add(clock.Elapsed);
                    }
                }
            }
            catch (RaftStorageUnavailableException)
            {
                lock (_refusals)
                {
                    _refusals.Add((clock.Elapsed, clock.Elapsed - called));
                    if (key == Journal)
                    {
                        _refusedJournal.Add(value);
                    }
                    else
                    {
                        _history.Discard(handle);
                    }
                }

                // A client told the storage is full backs off a little.
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
            catch (OperationCanceledException)
            {
                // Left pending: it may or may not have taken effect. A clerk with a request outstanding stops.
                return;
            }
        }
    }

    private static async Task<string> Done(Task write)
    {
        await write;
        return string.Empty;
    }
}
