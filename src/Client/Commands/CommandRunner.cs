using System.CommandLine;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces.MapReduce;
using Spectre.Console;

namespace RaftOrleans.Client.Commands;

/// <summary>Opens the cluster connection for a command and turns known failures into messages and exit codes.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<ClusterConnection, CancellationToken, Task<int>> body)
    {
        try
        {
            await using var connection = await ClusterConnection.OpenAsync(
                parse.GetValue(GlobalOptions.Cluster),
                parse.GetValue(GlobalOptions.Redis),
                parse.GetValue(GlobalOptions.ClusterId)!,
                parse.GetValue(GlobalOptions.ServiceId)!,
                parse.GetValue(GlobalOptions.DataDirectory)!,
                cancellationToken);
            return await body(connection, cancellationToken);
        }
        catch (InvalidJobException exception)
        {
            return Fail(ExitCodes.InvalidInput, exception.Message);
        }
        catch (ClusterUnavailableException exception)
        {
            return Fail(ExitCodes.ClusterUnavailable, exception.Message);
        }
        catch (OptionsValidationException exception)
        {
            return Fail(ExitCodes.InvalidInput, $"Invalid configuration: {string.Join(" ", exception.Failures)}");
        }
    }

    public static int Fail(int exitCode, string message)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
        return exitCode;
    }
}
