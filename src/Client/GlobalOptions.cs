using System.CommandLine;
using RaftOrleans.Grains.Hosting;

namespace RaftOrleans.Client;

/// <summary>Options every command takes: which cluster to talk to.</summary>
internal static class GlobalOptions
{
    public static Option<string?> Cluster { get; } = new("--cluster", "-c")
    {
        Description = "Gateways of a running cluster (host:port[,host:port...] or 'localhost'). Without it or --redis, an embedded silo runs in this process.",
        Recursive = true,
    };

    public static Option<string?> Redis { get; } = new("--redis")
    {
        Description = "Redis connection string of a cluster whose silos use Redis (their RaftOrleans:Redis); the client finds the gateways there.",
        Recursive = true,
    };

    public static Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "ClusterId of the named cluster (its silos' RaftOrleans:ClusterId).",
        DefaultValueFactory = _ => new SiloHostOptions().ClusterId,
        Recursive = true,
    };

    public static Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "ServiceId of the named cluster (its silos' RaftOrleans:ServiceId).",
        DefaultValueFactory = _ => new SiloHostOptions().ServiceId,
        Recursive = true,
    };

    public static Option<string> DataDirectory { get; } = new("--data-dir")
    {
        Description = "Where the embedded silo keeps its durable state.",
        DefaultValueFactory = _ => SiloHostOptions.DefaultDataDirectory,
        Recursive = true,
    };
}
