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
    GlobalOptions.Verbose,
    GlobalOptions.Json,
    GlobalOptions.Quiet,
    MapReduceCommands.Create(),
    KeyValueCommands.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Parse errors are bad input: one line each, and where to look, rather than the whole help.
    foreach (var error in parse.Errors)
    {
        CliOutput.Error(error.Message);
    }

    var names = new List<string>();
    for (var result = parse.CommandResult; result is not null && result.Command != root; result = result.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, result.Command.Name);
    }

    Console.Error.WriteLine($"Run '{string.Join(' ', [CliOutput.Name, .. names, "--help"])}' for usage.");
    return ExitCodes.InvalidInput;
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
