using System.CommandLine;
using RaftOrleans.Client;
using RaftOrleans.Client.Commands;

var root = new RootCommand("Raft.Orleans client: MapReduce jobs and a Raft-replicated key/value store, on a cluster or on a silo embedded in this process.")
{
    GlobalOptions.Cluster,
    GlobalOptions.Redis,
    GlobalOptions.ClusterId,
    GlobalOptions.ServiceId,
    GlobalOptions.DataDirectory,
    MapReduceCommands.Create(),
    KeyValueCommands.Create(),
};

return await root.Parse(args).InvokeAsync();
