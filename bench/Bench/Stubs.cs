namespace RaftOrleans.Bench;

internal static class PersistenceBench { public static Task RunAsync(string[] args) => Task.CompletedTask; }
internal static class ElectionBench { public static Task RunAsync(string[] args) => Task.CompletedTask; }
internal static class RpcBench { public static Task RunAsync(string[] args) => Task.CompletedTask; }
internal static class AllBench { public static Task RunAsync(string[] args) => Task.CompletedTask; }
