using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;
using RaftOrleans.Raft.Storage;

namespace RaftOrleans.Bench;

/// <summary>
/// Table 2: the cost of one append through <see cref="RaftPeerStore"/> on the SQLite Raft storage (fsync), at
/// growing log lengths. A single-peer <see cref="RaftNode"/> produces the Readies; no cluster messaging is involved
/// (a one-silo cluster only hosts the storage provider). Bytes: this process's write() bytes (wchar) and block-device
/// bytes (write_bytes) from /proc/self/io over the measured appends.
/// </summary>
internal static class PersistenceBench
{
    public static async Task RunAsync(string[] args)
    {
        var appends = Load.ArgInt(args, "--appends", 1000);
        var lengths = RaftBench.Ints(Load.ArgString(args, "--lengths") ?? "1000,10000,100000");
        var bigLengths = RaftBench.Ints(Load.ArgString(args, "--lengths-1k") ?? "1000,10000");
        await using var cluster = await RaftBenchCluster.StartAsync(1, RaftStorage.Sqlite);
        var storage = cluster.SiloServices(0).GetRequiredService<IRaftStorage>();

        Console.WriteLine($"### 2. Persistence cost per append (RaftPeerStore on SQLite, synchronous=FULL; {appends} single-entry appends at each length, one transaction each)");
        Console.WriteLine();
        Console.WriteLine("| command | log length | mean µs/append | p50 µs | p99 µs | write() bytes/append | disk bytes/append | SQLite file growth/append |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        var rows = new List<(int Size, int Length, double Mean, double Bytes, double P50)>();
        foreach (var (size, levels) in new[] { (16, lengths), (1024, bigLengths) })
        {
            var log = new SingleNodeLog(storage, $"persist{size}", cluster.Root);
            await log.StartAsync();
            var command = new byte[size];
            Random.Shared.NextBytes(command);
            foreach (var length in levels)
            {
                await log.FillToAsync(length, command);
                Checkpoint(cluster.Root);
                var (times, wchar, written, growth) = await log.MeasureAsync(appends, command);
                Array.Sort(times);
                var mean = times.Average();
                rows.Add((size, length, mean, wchar, times[times.Length / 2]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} B | {length:#,0} | {mean:0} | {times[times.Length / 2]:0} | {times[(int)(times.Length * 0.99)]:0} | {wchar:#,0} | {written:#,0} | {growth:#,0} |"));
            }
        }

        // The peers of a group on one machine append at once, each to its own file.
        Console.WriteLine();
        Console.WriteLine("Concurrent logs: n single-peer logs appending at once, each to its own SQLite file (as the n peers of a group on one machine do), 16 B, log length ~1k:");
        Console.WriteLine();
        Console.WriteLine("| concurrent logs | appends/s (all logs) | mean µs/append | p50 µs | p99 µs | max µs |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var writers in new[] { 1, 3, 5 })
        {
            var logs = Enumerable.Range(0, writers).Select(w => new SingleNodeLog(storage, $"shared{writers}-{w}", cluster.Root)).ToArray();
            var command = new byte[16];
            foreach (var log in logs)
            {
                await log.StartAsync();
                await log.FillToAsync(1000, command);
            }

            var clock = Stopwatch.StartNew();
            var results = await Task.WhenAll(logs.Select(log => Task.Run(() => log.MeasureAsync(appends, command))));
            var elapsed = clock.Elapsed.TotalSeconds;
            var times = results.SelectMany(r => r.TimesUs).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {writers} | {times.Length / elapsed:#,0} | {times.Average():0} | {times[times.Length / 2]:0} | {times[(int)(times.Length * 0.99)]:0} | {times[^1]:0} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"Per append, one WAL frame ({WalFrame:#,0} B: a {PageSize:#,0}-byte page and its 24-byte header) is the fixed cost of a commit; the rest is set against the entry's encoded size (its command plus a {EntryHeader}-byte term and kind).");
        Console.WriteLine();
        foreach (var size in rows.Select(r => r.Size).Distinct())
        {
            var at = rows.Where(r => r.Size == size).ToList();
            var small = at.MinBy(r => r.Length);
            var large = at.MaxBy(r => r.Length);
            var ratio = large.Mean / small.Mean;
            var encoded = size + EntryHeader;
            var worst = at.Max(r => r.Bytes);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {size} B: time per append at {large.Length:#,0} / at {small.Length:#,0}: mean **{ratio:0.00}×**, p50 **{large.P50 / small.P50:0.00}×**; write() bytes {large.Bytes / small.Bytes:0.00}× (target ≤ 1.2×): {(ratio <= 1.2 && large.P50 / small.P50 <= 1.2 && large.Bytes / small.Bytes <= 1.2 ? "met" : "not met")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"- {size} B: write() bytes per append beyond the WAL frame, at most {Math.Max(0, worst - WalFrame):#,0} B = {Math.Max(0, worst - WalFrame) / encoded:0.0}× the {encoded}-byte entry (target ≤ 2×): {(worst <= (2 * encoded) + WalFrame ? "met" : "not met")}"));
        }

        Console.WriteLine();
    }

    /// <summary>Copies the WAL into the database now, so the fill's pages are not counted against the measured appends.</summary>
    private static void Checkpoint(string root)
    {
        foreach (var database in Directory.GetFiles(root, "*.db", SearchOption.AllDirectories))
        {
            using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }
    }

    private const int PageSize = 1024;
    private const int WalFrame = PageSize + 24;
    private const int EntryHeader = 9;

    /// <summary>A one-peer Raft group whose Readies go straight to a <see cref="RaftPeerStore"/>.</summary>
    private sealed class SingleNodeLog(IRaftStorage storage, string name, string root)
    {
        private readonly RaftPeerStore _store = new(storage, $"{name}/p0");
        private readonly RaftNode _node = new(new RaftConfig { SelfId = "p0", PeerIds = ["p0"], ElectionTicks = 2, HeartbeatTicks = 1 }, new Random(1));

        public async Task StartAsync()
        {
            await _store.ClaimAsync(new RaftGroupConfig(name, ["p0"], CounterStateMachine.Name));
            for (var i = 0; i < 100 && !_node.GetState().IsLeader; i++)
            {
                _node.Tick();
                await DrainAsync();
            }

            await DrainAsync();
        }

        public async Task FillToAsync(long length, byte[] command)
        {
            while (_node.LastIndex < length)
            {
                var batch = (int)Math.Min(512, length - _node.LastIndex);
                for (var i = 0; i < batch; i++)
                {
                    _node.Propose(command);
                }

                await DrainAsync();
            }
        }

        public async Task<(double[] TimesUs, double Wchar, double WriteBytes, double FileGrowth)> MeasureAsync(int appends, byte[] command)
        {
            var times = new double[appends];
            var fileBefore = DatabaseBytes();
            var (wchar0, write0) = ProcIo();
            for (var i = 0; i < appends; i++)
            {
                var clock = Stopwatch.StartNew();
                _node.Propose(command);
                await DrainAsync();
                times[i] = clock.Elapsed.TotalMilliseconds * 1000;
            }

            var (wchar1, write1) = ProcIo();
            return (times, (double)(wchar1 - wchar0) / appends, (double)(write1 - write0) / appends, (double)(DatabaseBytes() - fileBefore) / appends);
        }

        private async Task DrainAsync()
        {
            while (_node.HasReady)
            {
                var ready = _node.GetReady();
                if (ready.MustPersist)
                {
                    await _store.SaveAsync(ready);
                }

                _node.Advance(ready);
            }
        }

        private long DatabaseBytes() => Directory.GetFiles(Path.Combine(root, "raft"), "*.db*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        private static (long Wchar, long WriteBytes) ProcIo()
        {
            long wchar = 0, write = 0;
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                var parts = line.Split(':', StringSplitOptions.TrimEntries);
                if (parts[0] == "wchar")
                {
                    wchar = long.Parse(parts[1], CultureInfo.InvariantCulture);
                }
                else if (parts[0] == "write_bytes")
                {
                    write = long.Parse(parts[1], CultureInfo.InvariantCulture);
                }
            }

            return (wchar, write);
        }
    }
}
