using RaftOrleans.Bench;

// Benchmarks print Markdown tables measured side by side in one run; see bench/README.md.
// `all` runs every suite in one process and writes bench/RESULTS.md.
var suites = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["raft"] = RaftBench.RunAsync,
    ["persistence"] = PersistenceBench.RunAsync,
    ["election"] = ElectionBench.RunAsync,
    ["membership"] = MembershipBench.RunAsync,
    ["mapreduce"] = MapReduceBench.RunAsync,
    ["rpc"] = RpcBench.RunAsync,
    ["kv"] = KvBench.RunAsync,
    ["all"] = AllBench.RunAsync,
    ["probe"] = ProbeBench.RunAsync,
    ["dotnext"] = DotNextOnlyBench.RunAsync,
};

if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project bench/Bench -- <{string.Join('|', suites.Keys)}> [options]");
    return 2;
}

await suite(args[1..]);
return 0;
