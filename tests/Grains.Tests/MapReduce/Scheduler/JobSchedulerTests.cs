using System.Net;
using Microsoft.Extensions.Time.Testing;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.MapReduce.Hosting;
using RaftOrleans.MapReduce.Jobs;

namespace RaftOrleans.Grains.Tests.MapReduce.Scheduler;

/// <summary>
/// The coordinator's rules on fake time, one per paper claim or promise of README: phases, timeouts that run from the
/// last sign of progress, re-execution on a dead worker, first report wins, failures counted per attempt, backup tasks.
/// </summary>
public sealed class JobSchedulerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SiloAddress SiloA = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress SiloB = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);

    private readonly FakeTimeProvider _time = new();
    private readonly MapReduceOptions _options = new() { TaskTimeout = Timeout };

    [Fact]
    public void TheFirstDispatch_IssuesAttemptOneOfEveryMap_AndNoReduce()
    {
        var scheduler = NewJob(maps: 3, reduces: 2);

        var issued = scheduler.IssueIdleTasks();

        Assert.Equal([(TaskKind.Map, 0, 1), (TaskKind.Map, 1, 1), (TaskKind.Map, 2, 1)], issued.Select(a => (a.Kind, a.Index, a.Attempt)));
        Assert.Empty(scheduler.IssueIdleTasks());
    }

    [Fact]
    public void AnAttemptSilentForTheTimeout_IsHandedOutAgain_WithTheNextAttemptNumber()
    {
        var scheduler = NewJob(maps: 2);
        StartAll(scheduler, SiloA);

        _time.Advance(Timeout);
        Assert.Empty(scheduler.ExpireAttempts(NoneGone));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var expired = scheduler.ExpireAttempts(NoneGone);
        Assert.Equal([0, 1], expired.Select(e => e.Index));
        Assert.All(expired, e => Assert.StartsWith("no progress for 10.0 s", e.Reason, StringComparison.Ordinal));
        Assert.Equal([2, 2], scheduler.IssueIdleTasks().Select(a => a.Attempt));
    }

    [Fact]
    public void ASignOfProgress_KeepsALongAttemptRunning()
    {
        var scheduler = NewJob(maps: 2);
        StartAll(scheduler, SiloA);

        _time.Advance(TimeSpan.FromSeconds(8));
        scheduler.Progress(TaskKind.Map, 0, attempt: 1);
        _time.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal([1], scheduler.ExpireAttempts(NoneGone).Select(e => e.Index));
    }

    [Fact]
    public void ProgressOfAnAttemptNoLongerRunning_KeepsNothingAlive()
    {
        var scheduler = NewJob(maps: 1);
        StartAll(scheduler, SiloA);
        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        scheduler.ExpireAttempts(NoneGone);
        StartAll(scheduler, SiloB);

        _time.Advance(TimeSpan.FromSeconds(8));
        scheduler.Progress(TaskKind.Map, 0, attempt: 1);
        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Single(scheduler.ExpireAttempts(NoneGone));
    }

    [Fact]
    public void AnAttemptOnASiloThatDied_IsHandedOutAgainAtOnce()
    {
        var scheduler = NewJob(maps: 2);
        var issued = scheduler.IssueIdleTasks();
        scheduler.Started(issued[0], SiloA);
        scheduler.Started(issued[1], SiloB);

        var expired = scheduler.ExpireAttempts(worker => worker.Equals(SiloB));

        Assert.Equal([(1, "worker silo died")], expired);
    }

    [Fact]
    public void ANewActivation_GivesEveryRunningTaskAFullTimeout()
    {
        var first = NewJob(maps: 1);
        StartAll(first, SiloA);
        _time.Advance(TimeSpan.FromSeconds(9));

        var second = new JobScheduler("job", first.State, _options, _time, activatedAt: _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(second.ExpireAttempts(NoneGone));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(second.ExpireAttempts(NoneGone));
    }

    [Fact]
    public void TheFirstSuccessfulReport_IsCommitted_AndLaterOnesOfTheTaskAreIgnored()
    {
        var scheduler = NewJob(maps: 2);
        StartAll(scheduler, SiloA);
        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        scheduler.ExpireAttempts(NoneGone);
        StartAll(scheduler, SiloB);

        // Attempt 1 was handed out again, yet finishes first: it wins.
        Assert.Equal(ReportVerdict.Commit, scheduler.Judge(Success(TaskKind.Map, 0, attempt: 1)));
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0-a1");

        Assert.Equal(ReportVerdict.AlreadyDone, scheduler.Judge(Success(TaskKind.Map, 0, attempt: 2)));
        Assert.Equal(ReportVerdict.AlreadyDone, scheduler.Judge(Failure(TaskKind.Map, 0, attempt: 2)));
        Assert.Equal("map-0-a1", scheduler.State.Maps[0].Output);
    }

    [Fact]
    public void AFailedRunningAttempt_IsHandedOutAgain_UntilTheThirdFailsTheJob()
    {
        var scheduler = NewJob(maps: 1);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            StartAll(scheduler, SiloA);
            Assert.Equal(ReportVerdict.Failure, scheduler.Judge(Failure(TaskKind.Map, 0, attempt)));
            Assert.Null(scheduler.RecordFailure(Failure(TaskKind.Map, 0, attempt)));
        }

        StartAll(scheduler, SiloA);
        Assert.Equal("Map task 0 failed 3 times; last error: boom", scheduler.RecordFailure(Failure(TaskKind.Map, 0, attempt: 3)));
    }

    [Fact]
    public void AFailureOfAnAttemptNoLongerRunning_IsIgnored()
    {
        var scheduler = NewJob(maps: 1);
        StartAll(scheduler, SiloA);
        _time.Advance(Timeout + TimeSpan.FromSeconds(1));
        scheduler.ExpireAttempts(NoneGone);
        StartAll(scheduler, SiloB);

        Assert.Equal(ReportVerdict.StaleFailure, scheduler.Judge(Failure(TaskKind.Map, 0, attempt: 1)));
        Assert.Equal(0, scheduler.State.Maps[0].Failures);
    }

    [Fact]
    public void OnceEveryMapIsCommitted_TheJobReduces_AndEachReduceReadsEveryMapsOutput()
    {
        var scheduler = NewJob(maps: 2, reduces: 3);
        StartAll(scheduler, SiloA);

        Assert.Null(scheduler.Commit(Success(TaskKind.Map, 1, attempt: 1), "map-1"));
        Assert.Empty(scheduler.IssueIdleTasks());
        Assert.Equal(JobPhase.Reducing, scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0"));

        var reduces = scheduler.IssueIdleTasks();
        Assert.Equal([0, 1, 2], reduces.Select(r => r.Index));
        Assert.All(reduces, r => Assert.Equal(["map-0", "map-1"], r.Inputs));
        Assert.Equal(ReportVerdict.NotThisPhase, scheduler.Judge(Success(TaskKind.Map, 0, attempt: 2)));
    }

    [Fact]
    public void OnceEveryReduceIsCommitted_TheJobIsComplete_WithTheCommittedAttemptsCounters()
    {
        var scheduler = NewJob(maps: 1, reduces: 2);
        StartAll(scheduler, SiloA);
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1, records: 5), "map-0");
        StartAll(scheduler, SiloA);

        Assert.Null(scheduler.Commit(Success(TaskKind.Reduce, 0, attempt: 1, records: 2), "out-0"));
        Assert.Equal(JobPhase.Completed, scheduler.Commit(Success(TaskKind.Reduce, 1, attempt: 1, records: 3), "out-1"));
        scheduler.Finish(JobPhase.Completed, error: null);

        var status = scheduler.Status("silo", outputOwner: "job", orphaned: false);
        Assert.Equal(["out-0", "out-1"], status.OutputFiles);
        Assert.Equal(10, status.Counters!["records"]);
        Assert.Equal(3, status.TaskLaunches);
        Assert.Equal(0, status.ReExecutions);
    }

    [Fact]
    public void NearTheEndOfAPhase_AStragglerGetsOneBackup_AwayFromItsSilo()
    {
        var scheduler = NewJob(maps: 4);
        var issued = scheduler.IssueIdleTasks();
        foreach (var attempt in issued)
        {
            scheduler.Started(attempt, attempt.Index == 3 ? SiloB : SiloA);
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(scheduler.LaunchBackups(silos: 3));
        for (var i = 0; i < 3; i++)
        {
            scheduler.Commit(Success(TaskKind.Map, i, attempt: 1), $"map-{i}");
        }

        // The median took 2 s: a straggler is one running over 3 s.
        Assert.Empty(scheduler.LaunchBackups(silos: 3));
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Empty(scheduler.LaunchBackups(silos: 1));

        var backup = Assert.Single(scheduler.LaunchBackups(silos: 3));
        Assert.Equal((3, 2), (backup.Assignment.Index, backup.Assignment.Attempt));
        Assert.Equal(SiloB, backup.Avoid);
        Assert.Empty(scheduler.LaunchBackups(silos: 3));

        var status = scheduler.Status("silo", "job", orphaned: false);
        Assert.Equal((1, 0), (status.BackupLaunches, status.ReExecutions));
    }

    [Fact]
    public void WithABackupRunning_EitherAttemptsProgressCounts_AndEitherMayCommit()
    {
        var scheduler = NewJob(maps: 2);
        StartAll(scheduler, SiloA);
        _time.Advance(TimeSpan.FromSeconds(1));
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0");
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(scheduler.LaunchBackups(silos: 2));

        _time.Advance(TimeSpan.FromSeconds(8));
        scheduler.Progress(TaskKind.Map, 1, attempt: 1);
        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.Empty(scheduler.ExpireAttempts(NoneGone));

        Assert.Equal(ReportVerdict.Commit, scheduler.Judge(Success(TaskKind.Map, 1, attempt: 1)));
        Assert.Equal(JobPhase.Reducing, scheduler.Commit(Success(TaskKind.Map, 1, attempt: 1), "map-1"));
    }

    [Fact]
    public void BackupTasksOff_LaunchNone()
    {
        var scheduler = NewJob(maps: 2, options: new MapReduceOptions { TaskTimeout = Timeout, BackupTasks = false });
        StartAll(scheduler, SiloA);
        _time.Advance(TimeSpan.FromSeconds(1));
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0");
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(scheduler.LaunchBackups(silos: 3));
    }

    [Fact]
    public void ACancelledJob_StopsItsRunningAttempts_AndIgnoresTheirReports()
    {
        var scheduler = NewJob(maps: 3);
        StartAll(scheduler, SiloA);
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0");

        Assert.Equal([1, 2], scheduler.RunningAttempts().Select(a => a.Index));
        scheduler.Finish(JobPhase.Cancelled, "Cancelled on request.");

        Assert.Empty(scheduler.RunningAttempts());
        Assert.Equal(ReportVerdict.NotThisPhase, scheduler.Judge(Success(TaskKind.Map, 1, attempt: 1)));
        Assert.Empty(scheduler.ExpireAttempts(NoneGone));
    }

    [Fact]
    public void AnAdoptedJob_HandsItsRunningTasksOutAgain()
    {
        var scheduler = NewJob(maps: 2);
        StartAll(scheduler, SiloA);
        scheduler.Commit(Success(TaskKind.Map, 0, attempt: 1), "map-0");

        scheduler.Adopt("raft-orleans");

        Assert.Equal("raft-orleans", scheduler.State.Host);
        Assert.Equal([(1, 2)], scheduler.IssueIdleTasks().Select(a => (a.Index, a.Attempt)));
    }

    private static bool NoneGone(SiloAddress worker) => false;

    private JobScheduler NewJob(int maps, int reduces = 1, MapReduceOptions? options = null)
    {
        var spec = new JobSpec("wc", [.. Enumerable.Range(0, maps).Select(i => $"/in/{i}.txt")], reduces, "/out");
        var splits = spec.Inputs.Select(path => new InputSplit(path, 0, -1)).ToArray();
        var state = JobScheduler.NewJob(spec, splits, "embedded-1", "/out/.mr-work/job", Timeout, _time.GetUtcNow());
        return new JobScheduler("job", state, options ?? _options, _time, _time.GetUtcNow());
    }

    private static void StartAll(JobScheduler scheduler, SiloAddress worker)
    {
        foreach (var attempt in scheduler.IssueIdleTasks())
        {
            scheduler.Started(attempt, worker);
        }
    }

    private static TaskReport Success(TaskKind kind, int index, int attempt, long records = 1) =>
        new(kind, index, attempt, $"{kind}-{index}-a{attempt}", null, new Dictionary<string, long> { ["records"] = records });

    private static TaskReport Failure(TaskKind kind, int index, int attempt) =>
        new(kind, index, attempt, string.Empty, "boom");
}
