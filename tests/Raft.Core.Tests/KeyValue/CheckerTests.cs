using RaftOrleans.Linearizability;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>The linearizability checker on small hand-made histories: what it must accept and what it must reject.</summary>
public sealed class CheckerTests
{
    private readonly List<Operation<KvInput, KvOutput>> _history = [];

    [Fact]
    public void EmptyHistoryIsLinearizable() => AssertLinearizable();

    [Fact]
    public void SequentialHistoryIsLinearizable()
    {
        Put(0, "x", "a", 0, 1);
        Append(0, "x", "b", 2, 3);
        Get(0, "x", "ab", 4, 5);
        Get(0, "y", "", 6, 7);
        AssertLinearizable();
    }

    [Fact]
    public void ConcurrentWritesMayTakeEffectInEitherOrder()
    {
        // Two overlapping appends; later reads see them in one order or the other, but all agree.
        Append(0, "x", "a", 0, 10);
        Append(1, "x", "b", 1, 9);
        Get(2, "x", "ba", 11, 12);
        Get(0, "x", "ba", 13, 14);
        AssertLinearizable();

        _history.Clear();
        Append(0, "x", "a", 0, 10);
        Append(1, "x", "b", 1, 9);
        Get(2, "x", "ab", 11, 12);
        AssertLinearizable();
    }

    [Fact]
    public void ReadConcurrentWithWriteMaySeeOldOrNewValue()
    {
        Put(0, "x", "1", 0, 1);
        Put(0, "x", "2", 2, 10);
        Get(1, "x", "1", 3, 4);
        Get(2, "x", "2", 5, 6);
        Get(1, "x", "2", 7, 8);
        AssertLinearizable();
    }

    [Fact]
    public void StaleReadAfterCompletedWriteIsRejected()
    {
        Put(0, "x", "1", 0, 1);
        Put(0, "x", "2", 2, 3);
        Get(1, "x", "1", 4, 5); // the write of "2" had returned before this read was called
        var result = AssertNotLinearizable();
        Assert.Contains("Get(x) -> '1'", result.Explanation, StringComparison.Ordinal); // the read that could not be placed
    }

    [Fact]
    public void ReadAfterReadOfNewerValueCannotGoBack()
    {
        Put(0, "x", "1", 0, 1);
        Put(0, "x", "2", 2, 20); // still in progress during both reads
        Get(1, "x", "2", 3, 4);
        Get(2, "x", "1", 5, 6); // called after a read that already saw "2"
        AssertNotLinearizable();
    }

    [Fact]
    public void ReadsSeeingConcurrentWritesInOppositeOrdersAreRejected()
    {
        Append(0, "x", "a", 0, 10);
        Append(1, "x", "b", 0, 10);
        Get(2, "x", "ab", 11, 12);
        Get(3, "x", "ba", 11, 12);
        AssertNotLinearizable();
    }

    [Fact]
    public void LostAppendIsRejected()
    {
        Append(0, "x", "a", 0, 1);
        Append(1, "x", "b", 2, 3);
        Get(2, "x", "b", 4, 5); // "a" was acknowledged, then vanished
        AssertNotLinearizable();
    }

    [Fact]
    public void DuplicatedAppendIsRejected()
    {
        Append(0, "x", "a", 0, 1);
        Get(1, "x", "aa", 2, 3); // a retried append applied twice
        AssertNotLinearizable();
    }

    [Fact]
    public void ReadOfValueNeverWrittenIsRejected()
    {
        Put(0, "x", "1", 0, 5);
        Get(1, "x", "2", 1, 4);
        AssertNotLinearizable();
    }

    [Fact]
    public void NeverReturnedWriteMayHaveTakenEffect()
    {
        Pending(0, KvInput.Append("x", "a"), 0);
        Get(1, "x", "", 1, 2);
        Get(1, "x", "a", 3, 4);
        Get(2, "x", "a", 5, 6);
        AssertLinearizable();
    }

    [Fact]
    public void NeverReturnedWriteMayNeverTakeEffect()
    {
        Pending(0, KvInput.Put("x", "lost"), 0);
        Put(1, "x", "1", 1, 2);
        Get(1, "x", "1", 3, 4);
        Get(2, "x", "1", 100, 101);
        Pending(3, KvInput.Get("x"), 50);
        AssertLinearizable();
    }

    [Fact]
    public void NeverReturnedWriteCannotTakeEffectBeforeItsCall()
    {
        Get(1, "x", "a", 0, 1);
        Pending(0, KvInput.Append("x", "a"), 2);
        AssertNotLinearizable();
    }

    [Fact]
    public void NeverReturnedWriteTakesEffectOnce()
    {
        Pending(0, KvInput.Append("x", "a"), 0);
        Get(1, "x", "a", 1, 2);
        Get(1, "x", "", 3, 4); // once seen, an effect cannot be undone
        AssertNotLinearizable();
    }

    [Fact]
    public void KeysAreCheckedIndependently()
    {
        Put(0, "x", "1", 0, 1);
        Put(0, "y", "2", 2, 3);
        Get(1, "y", "2", 4, 5);
        Get(1, "x", "", 6, 7); // illegal on x only
        var result = AssertNotLinearizable();
        Assert.Contains(result.Partitions, p => p.Name == "key 'x'" && p.Outcome == CheckOutcome.Illegal);
    }

    [Fact]
    public void TouchingIntervalsCountAsConcurrent()
    {
        Put(0, "x", "1", 0, 5);
        Get(1, "x", "", 5, 6);
        AssertLinearizable();
    }

    [Fact]
    public void StepBudgetAndTimeoutGiveUnknownInsteadOfHanging()
    {
        // 40 concurrent appends of the same value, then a read of 41 of them: illegal, but every subset of the appends
        // gives a distinct configuration (2^40), so the search cannot finish.
        for (var i = 0; i < 40; i++)
        {
            Append(i, "x", "a", 0, 100);
        }

        Get(99, "x", new string('a', 41), 101, 102);
        var limited = KvModel.Check(_history, new CheckOptions { MaxStepsPerPartition = 10_000 });
        Assert.Equal(CheckOutcome.Unknown, limited.Outcome);
        Assert.Contains("step budget", limited.Explanation, StringComparison.Ordinal);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var timed = KvModel.Check(_history, new CheckOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(CheckOutcome.Unknown, timed.Outcome);
        Assert.Contains("timed out", timed.Explanation, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void HundredsOfOverlappingOperationsOnOneKeyAreCheckedQuickly()
    {
        // 600 operations on one key, each taking effect at time 10·i in a serial execution and called up to 25 before
        // and returning up to 25 after that instant, so that about five operations overlap at any time.
        var rng = new Random(7);
        var value = "";
        for (var i = 0; i < 600; i++)
        {
            var input = rng.Next(3) switch
            {
                0 => KvInput.Get("k"),
                1 => KvInput.Put("k", $"{i},"),
                _ => KvInput.Append("k", $"{i};"),
            };
            var output = input.Op == KvOp.Get ? value : "";
            value = input.Op switch
            {
                KvOp.Put => input.Value,
                KvOp.Append => value + input.Value,
                _ => value,
            };
            var at = 10L * (i + 1);
            _history.Add(Operation<KvInput, KvOutput>.Returned(i % 10, input, at - rng.Next(26), new KvOutput(output), at + rng.Next(26)));
        }

        var result = KvModel.Check(_history, new CheckOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.True(result.IsLinearizable, result.Explanation);

        // The same history with one read changed to a value never seen is rejected.
        var get = _history.FindLastIndex(op => op.Input.Op == KvOp.Get && op.Output!.Value.Length > 0);
        _history[get] = _history[get] with { Output = new KvOutput("bogus") };
        Assert.Equal(CheckOutcome.Illegal, KvModel.Check(_history, new CheckOptions { Timeout = TimeSpan.FromSeconds(10) }).Outcome);
    }

    [Fact]
    public void RecorderOrdersEventsFromConcurrentThreads()
    {
        // Each thread appends its own values in order and then reads: whatever the interleaving, the recorded history
        // of a correct (here: locked) register is linearizable, and calls never complete twice.
        var recorder = new HistoryRecorder<KvInput, KvOutput>();
        var register = "";
        var gate = new Lock();
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 25; i++)
            {
                var append = recorder.Invoke(thread, KvInput.Append("k", $"<{thread}.{i}>"));
                lock (gate)
                {
                    register += $"<{thread}.{i}>";
                }

                recorder.Complete(append, KvOutput.Done);
                var get = recorder.Invoke(thread, KvInput.Get("k"));
                string seen;
                lock (gate)
                {
                    seen = register;
                }

                recorder.Complete(get, new KvOutput(seen));
            }
        });

        var history = recorder.History();
        Assert.Equal(200, history.Count);
        Assert.All(history, op => Assert.True(op.Return > op.Call));
        Assert.Throws<InvalidOperationException>(() => recorder.Complete(0, KvOutput.Done));
        Assert.True(KvModel.Check(history).IsLinearizable);
    }

    [Fact]
    public void CompareAndSwap_SwapsOnlyFromTheExpectedValue()
    {
        Put(0, "x", "a", 0, 1);
        Cas(0, "x", "a", "b", swapped: true, current: "", 2, 3);
        Cas(1, "x", "a", "c", swapped: false, current: "b", 4, 5);
        Get(0, "x", "b", 6, 7);
        AssertLinearizable();
    }

    [Fact]
    public void CompareAndSwap_ThatSwappedFromAnotherValue_IsRejected()
    {
        Put(0, "x", "a", 0, 1);
        Cas(0, "x", "z", "b", swapped: true, current: "", 2, 3);
        Assert.Contains("Cas(x, 'z' -> 'b') -> swapped", AssertNotLinearizable().Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareAndSwap_ThatKeptAValueTheKeyNeverHeld_IsRejected()
    {
        Put(0, "x", "a", 0, 1);
        Cas(0, "x", "z", "b", swapped: false, current: "q", 2, 3);
        AssertNotLinearizable();
    }

    [Fact]
    public void CompareAndSwap_FromEmpty_CreatesAMissingOrDeletedKey()
    {
        Cas(0, "x", "", "a", swapped: true, current: "", 0, 1);
        Delete(0, "x", 2, 3);
        Cas(1, "x", "", "b", swapped: true, current: "", 4, 5);
        Get(0, "x", "b", 6, 7);
        AssertLinearizable();
    }

    [Fact]
    public void ReadOfADeletedKeyAfterTheDeleteReturned_SeesNothing()
    {
        Put(0, "x", "a", 0, 1);
        Delete(0, "x", 2, 3);
        Get(1, "x", "", 4, 5);
        AssertLinearizable();

        Get(1, "x", "a", 6, 7);
        AssertNotLinearizable();
    }

    private void Cas(int client, string key, string expected, string value, bool swapped, string current, long call, long ret) =>
        _history.Add(Operation<KvInput, KvOutput>.Returned(client, KvInput.Cas(key, expected, value), call, KvOutput.CasResult(swapped, current), ret));

    private void Delete(int client, string key, long call, long ret) =>
        _history.Add(Operation<KvInput, KvOutput>.Returned(client, KvInput.Delete(key), call, KvOutput.Done, ret));

    private void Put(int client, string key, string value, long call, long ret) =>
        _history.Add(Operation<KvInput, KvOutput>.Returned(client, KvInput.Put(key, value), call, KvOutput.Done, ret));

    private void Append(int client, string key, string value, long call, long ret) =>
        _history.Add(Operation<KvInput, KvOutput>.Returned(client, KvInput.Append(key, value), call, KvOutput.Done, ret));

    private void Get(int client, string key, string value, long call, long ret) =>
        _history.Add(Operation<KvInput, KvOutput>.Returned(client, KvInput.Get(key), call, new KvOutput(value), ret));

    private void Pending(int client, KvInput input, long call) =>
        _history.Add(Operation<KvInput, KvOutput>.Pending(client, input, call));

    private void AssertLinearizable()
    {
        var result = KvModel.Check(_history);
        Assert.True(result.IsLinearizable, result.Explanation);
    }

    private CheckResult AssertNotLinearizable()
    {
        var result = KvModel.Check(_history);
        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.StartsWith("Illegal", result.Explanation, StringComparison.Ordinal);
        return result;
    }
}
