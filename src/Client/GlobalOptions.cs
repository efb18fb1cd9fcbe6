using System.CommandLine;

namespace RaftOrleans.Client;

/// <summary>Options every command takes: which cluster to talk to, and how much to say.</summary>
internal static class GlobalOptions
{
    public static Option<string?> Cluster { get; } = new("--cluster", "-c")
    {
        Description = "Gateways of a running cluster (host:port[,host:port...] or 'localhost'); default RaftOrleans__Cluster. Without it or --redis, an embedded silo runs in this process.",
        Recursive = true,
    };

    public static Option<string?> Redis { get; } = new("--redis")
    {
        Description = "Redis connection string of a cluster whose silos use Redis (their RaftOrleans:Redis); default RaftOrleans__Redis. The client finds the gateways there.",
        Recursive = true,
    };

    public static Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "ClusterId of the named cluster (its silos' RaftOrleans:ClusterId).",
        DefaultValueFactory = _ => ClientSettings.ClusterId,
        Recursive = true,
    };

    public static Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "ServiceId of the named cluster (its silos' RaftOrleans:ServiceId).",
        DefaultValueFactory = _ => ClientSettings.ServiceId,
        Recursive = true,
    };

    public static Option<string> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Where the embedded silo keeps its durable state.",
        DefaultValueFactory = _ => ClientSettings.DataDirectory,
        Recursive = true,
    };

    public static Option<double> DialTimeout { get; } = new("--dial-timeout")
    {
        Description = "Seconds to keep trying to reach a named cluster's gateways (or Redis) before giving up (exit code 3).",
        DefaultValueFactory = _ => 10,
        Recursive = true,
    };

    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Show details of errors (exception types and stack traces) and the cluster's warnings.",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Write the result as one JSON document on stdout, for scripts.",
        Recursive = true,
    };

    public static Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "Print nothing but data and errors (no progress, no acknowledgements).",
        Recursive = true,
    };
}
