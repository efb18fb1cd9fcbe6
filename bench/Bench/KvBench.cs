using System.Globalization;
using RaftOrleans.KeyValue.Client;
using dotnet_etcd;

namespace RaftOrleans.Bench;

/// <summary>
/// The key/value table: the project's linearizable key/value service (3 peers, silos as separate processes, SQLite or
/// Redis) next to a 3-member etcd cluster on loopback, both fsyncing every acknowledged write. Each etcd cell runs right
/// after the project's cell of the same operation and clients, through the same closed-loop harness.
/// </summary>
internal static class KvBench
{
    private const int ValueBytes = 256;
    private const int KeyChars = 8;
    private const string KeyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Clients of the unmeasured load each system takes before its first cell.</summary>
    private const int SettleClients = 16;

    public static async Task RunAsync(string[] args)
    {
        var seconds = Load.ArgInt(args, "--seconds", 10);
        var warmup = Load.ArgInt(args, "--warmup", 2);
        var settle = Load.ArgInt(args, "--settle", 10);
        var storages = (Load.ArgString(args, "--storage") ?? "sqlite,redis").Split(',').Select(s => Enum.Parse<RaftStorage>(s, true)).ToArray();
        var clients = RaftBench.Ints(Load.ArgString(args, "--clients") ?? "1,16,64,256");
        var silos = Load.ArgInt(args, "--silos", 3);
        var (oldWarmup, oldDuration) = (Load.Warmup, Load.Duration);
        Load.Warmup = TimeSpan.FromSeconds(warmup);
        Load.Duration = TimeSpan.FromSeconds(seconds);
        try
        {
            Console.WriteLine($"### 6. Key/value service vs etcd (closed loop, {warmup} s warm-up + {seconds} s measured per cell)");
            Console.WriteLine();
            Console.WriteLine($"Puts of {ValueBytes} B values and linearizable gets, keys of {KeyChars} random characters drawn from the whole key space " +
                              $"(gets read keys the puts wrote). The project: {silos} silo processes of `src/Silo` (this build) on this machine, one key/value group " +
                              "of 3 peers (one per silo), `N` clerks (`KeyValueClient`, one request at a time each) sharing one Orleans client in the benchmark process; " +
                              "gets are ReadIndex queries of the leader. etcd 3.4: 3 members on loopback (default settings: WAL fsync on every write), `N` callers " +
                              "sharing one `dotnet-etcd` client, gets are etcd's default linearizable reads. Each etcd cell runs right after the project's cell " +
                              $"above it, while the other system idles. Before its first cell each system takes {settle} s of unmeasured puts from " +
                              $"{SettleClients} clients: the silos are processes started for the run, and for their first seconds they run code the JIT has " +
                              "not yet optimized (tiered compilation), which is not the steady state a user's long-running silos are in.");
            Console.WriteLine();
            await using var etcd = await EtcdCluster.StartAsync();
            if (etcd is null)
            {
                Console.WriteLine("etcd not found (`apt-get install etcd-server etcd-client`): the etcd cells and targets are skipped.");
                Console.WriteLine();
            }

            using var etcdClient = etcd is null ? null : new EtcdClient(string.Join(',', etcd.ClientUrls));
            Console.WriteLine("| system | storage | op | clients | ops/s | p50 ms | p99 ms | errors |");
            Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
            var rows = new List<(string System, string Storage, string Op, LoadResult Result)>();
            void Row(string system, string storage, string op, LoadResult r)
            {
                rows.Add((system, storage, op, r));
                var errors = r.FailureKinds.Length == 0 ? r.Errors.ToString(CultureInfo.InvariantCulture) : $"{r.Errors} ({r.FailureKinds})";
                Console.WriteLine($"| {system} | {storage} | {op} | {r.Callers} | {r.Rate} | {r.P50} | {r.P99} | {errors} |");
            }

            var value = new string('v', ValueBytes);
            var stats = new List<Stats>();
            foreach (var storage in storages)
            {
                await using var redis = storage == RaftStorage.Redis ? await RedisServer.StartAsync() : null;
                var storageName = storage switch
                {
                    RaftStorage.Sqlite => "SQLite (fsync)",
                    RaftStorage.Redis => "Redis (AOF fsync always)",
                    _ => throw new ArgumentException($"The kv suite runs the silos as processes; storage '{storage}' is not one of theirs (sqlite, redis)."),
                };
                if (storage == RaftStorage.Redis && redis is null)
                {
                    Console.WriteLine($"| raft-orleans | {storageName} | - | - | (redis-server not found: skipped) | | | |");
                    continue;
                }

                await using var cluster = await BenchSilos.StartAsync(silos, redis?.Connection);
                var group = $"kv-{Guid.NewGuid():N}"[..12];
                string[] peers = ["p0", "p1", "p2"];
                await KeyValueClient.CreateGroupAsync(cluster.Client, group, peers).WaitAsync(TimeSpan.FromSeconds(60));
                var clerks = Enumerable.Range(0, Math.Max(clients.Max(), SettleClients)).Select(_ => new KeyValueClient(cluster.Client, group, peers)).ToArray();
                await clerks[0].PutAsync("warm", value).WaitAsync(TimeSpan.FromSeconds(60));
                var ours = new WrittenKeys(Math.Max(clients.Max(), SettleClients));
                var theirs = new WrittenKeys(Math.Max(clients.Max(), SettleClients));
                async Task<LoadResult> Measured(string op, int n, Func<int, Task<bool>> call)
                {
                    var before = await cluster.MetricsAsync();
                    var result = await Load.RunAsync(n, call);
                    stats.Add(Stats.Of(storageName, op, n, before, await cluster.MetricsAsync()));
                    return result;
                }

                await Load.RunAsync(SettleClients, async c => { await clerks[c].PutAsync(ours.Next(c), value); return true; }, TimeSpan.FromSeconds(settle));
                if (etcdClient is not null)
                {
                    await Load.RunAsync(SettleClients, async c => { await etcdClient.PutAsync(theirs.Next(c), value); return true; }, TimeSpan.FromSeconds(settle));
                }

                foreach (var n in clients)
                {
                    Row("raft-orleans", storageName, "put", await Measured("put", n, async c => { await clerks[c].PutAsync(ours.Next(c), value); return true; }));
                    if (etcdClient is not null)
                    {
                        Row("etcd", "WAL (fsync)", "put", await Load.RunAsync(n, async c => { await etcdClient.PutAsync(theirs.Next(c), value); return true; }));
                    }
                }

                foreach (var n in clients)
                {
                    Row("raft-orleans", storageName, "get", await Measured("get", n, async c => (await clerks[c].GetAsync(ours.Any(c))).Length == ValueBytes));
                    if (etcdClient is not null)
                    {
                        Row("etcd", "WAL (fsync)", "get", await Load.RunAsync(n, async c => (await etcdClient.GetValAsync(theirs.Any(c))).Length == ValueBytes));
                    }
                }

                Console.Error.WriteLine($"[kv] {storageName} done; group {group} placed {await PlacementAsync(clerks[0])}");
            }

            Console.WriteLine();
            Stats.Print(stats);
            Summarize(rows);
        }
        finally
        {
            (Load.Warmup, Load.Duration) = (oldWarmup, oldDuration);
        }
    }

    private static async Task<string> PlacementAsync(KeyValueClient clerk)
    {
        var states = await clerk.PeersAsync();
        return string.Join("+", states.GroupBy(s => s.State?.Silo ?? "?").Select(g => g.Count()).OrderDescending());
    }

    /// <summary>Pairs every project cell with the etcd cell after it: the target lines.</summary>
    private static void Summarize(List<(string System, string Storage, string Op, LoadResult Result)> rows)
    {
        var targets = new List<string>();
        for (var i = 0; i + 1 < rows.Count; i++)
        {
            var (system, storage, op, ours) = rows[i];
            var (nextSystem, _, nextOp, etcd) = rows[i + 1];
            if (system != "raft-orleans" || nextSystem != "etcd" || nextOp != op || etcd.Callers != ours.Callers)
            {
                continue;
            }

            var rate = ours.OpsPerSecond / etcd.OpsPerSecond;
            var p99 = ours.P99Ms / etcd.P99Ms;
            var met = rate >= 1.0 && p99 <= 1.25;
            targets.Add($"- {op}s, {storage}, {ours.Callers} clients: {ours.Rate}/s vs etcd {etcd.Rate}/s = **{Load.F(rate)}×** (target ≥ 1), " +
                        $"p99 {ours.P99} vs {etcd.P99} ms = **{Load.F(p99)}×** (target ≤ 1.25): {(met ? "met" : "not met")}");
        }

        if (targets.Count == 0)
        {
            return;
        }

        Console.WriteLine("KV vs etcd, targets (ratios from this run):");
        Console.WriteLine();
        targets.ForEach(Console.WriteLine);
        Console.WriteLine($"- {targets.Count(t => t.EndsWith(": met", StringComparison.Ordinal))} of {targets.Count} met.");
        Console.WriteLine();
    }

    private static string RandomKey(Random random) => string.Create(KeyChars, random, (span, r) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = KeyAlphabet[r.Next(KeyAlphabet.Length)];
        }
    });

    /// <summary>Fresh random keys per caller, remembered so that gets read what the puts wrote.</summary>
    private sealed class WrittenKeys(int callers)
    {
        private readonly List<string>[] _written = [.. Enumerable.Range(0, callers).Select(_ => new List<string>())];
        private readonly Random[] _random = [.. Enumerable.Range(0, callers).Select(_ => new Random(Random.Shared.Next()))];

        public string Next(int caller)
        {
            var key = RandomKey(_random[caller]);
            _written[caller].Add(key);
            return key;
        }

        /// <summary>A key some caller wrote (callers read their own lists: no locks; a caller with none reads another's).</summary>
        public string Any(int caller)
        {
            var random = _random[caller];
            var list = _written[caller].Count > 0 ? _written[caller] : _written.First(l => l.Count > 0);
            return list[random.Next(list.Count)];
        }
    }

    /// <summary>What the silos' Raft metrics counted during one of the project's cells (warm-up included), summed over the silos.</summary>
    private sealed record Stats(string Storage, string Op, int Clients, double Proposals, double Reads, double Saves, double EntriesSaved, double Transactions, double LockWaits, double CommitMs, double Elections, double Snapshots, double SnapshotMs, double SnapshotBytes)
    {
        public static Stats Of(string storage, string op, int clients, Dictionary<string, double> before, Dictionary<string, double> after)
        {
            double D(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
            var commits = D("raft.commit.duration.count");
            return new Stats(storage, op, clients, D("raft.proposals"), D("raft.reads"), D("raft.storage.save.entries.count"), D("raft.storage.save.entries.sum"),
                D("raft.storage.transactions"), D("raft.storage.lock_waits"), commits == 0 ? double.NaN : D("raft.commit.duration.sum") / commits, D("raft.elections"),
                D("raft.snapshot.duration.count"), D("raft.snapshot.duration.sum"), D("raft.snapshot.size.sum"));
        }

        public static void Print(List<Stats> stats)
        {
            if (stats.Count == 0)
            {
                return;
            }

            Console.WriteLine("The silos' Raft metrics during each of the project's cells (warm-up included; summed over the 3 silos, so a save or " +
                              "transaction counts once per peer or process that made it): saves per command = peers' durable writes / commands the " +
                              "leader appended; transactions per command = the storage's commits (SQLite: one fsync each, shared by all peers of a " +
                              "process; Redis: one script each) / commands; entries per save = log entries per durable write; commit ms = the leader's mean " +
                              "append-to-apply time; snapshots = those the peers took, with the time from capturing each to its bytes (serialized off the " +
                              "grain's scheduler) and their total size (each written with the peer's next save).");
            Console.WriteLine();
            Console.WriteLine("| storage | op | clients | commands | reads | saves/command | transactions/command | entries/save | commit ms | lock waits | elections | snapshots | snapshot ms | snapshot MB |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var s in stats)
            {
                var per = s.Proposals == 0 ? "-" : Load.F(s.Saves / s.Proposals, "0.000");
                var tx = s.Proposals == 0 ? "-" : Load.F(s.Transactions / s.Proposals, "0.000");
                var batch = s.Saves == 0 ? "-" : Load.F(s.EntriesSaved / s.Saves, "0.0");
                var commit = double.IsNaN(s.CommitMs) ? "-" : Load.F(s.CommitMs);
                Console.WriteLine($"| {s.Storage} | {s.Op} | {s.Clients} | {s.Proposals:0} | {s.Reads:0} | {per} | {tx} | {batch} | {commit} | {s.LockWaits:0} | {s.Elections:0} | {s.Snapshots:0} | {s.SnapshotMs:0} | {Load.F(s.SnapshotBytes / (1 << 20), "0.0")} |");
            }

            Console.WriteLine();
        }
    }
}
