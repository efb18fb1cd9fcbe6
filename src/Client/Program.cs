using System.CommandLine;
using RaftOrleans.Client;
using RaftOrleans.Client.Commands;

var root = new RootCommand(
    "Raft.Orleans client: MapReduce jobs and a Raft-replicated key/value store, on a cluster or on a silo embedded in this process."
    + " Exit codes: 0 done; 1 a job failed or was cancelled, kv cas did not swap, or an unexpected error; 2 bad input (nothing changed);"
    + " 3 the cluster, its Redis or a group's majority did not answer, or storage refused a write; 130 cancelled by Ctrl+C or SIGTERM.")
{
    GlobalOptions.Cluster,
    GlobalOptions.Redis,
    GlobalOptions.ClusterId,
    GlobalOptions.ServiceId,
    GlobalOptions.DataDirectory,
    GlobalOptions.DialTimeout,
    GlobalOptions.Verbose,
    GlobalOptions.Json,
    GlobalOptions.Quiet,
    MapReduceCommands.Create(),
    KeyValueCommands.Create(),
};
root.Subcommands.Add(HelpCommand.Create(root));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    return ParseErrors.Report(parse);
}

CliOutput.Verbose = parse.GetValue(GlobalOptions.Verbose);
CliOutput.Quiet = parse.GetValue(GlobalOptions.Quiet);
using var interrupts = new Interrupts();
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, interrupts.Token);
}
catch (OperationCanceledException) when (Interrupts.Requested)
{
    CliOutput.Error("Cancelled.");
    return ExitCodes.Cancelled;
}
catch (Exception exception)
{
    CliOutput.Unexpected(exception);
    return ExitCodes.Failed;
}
