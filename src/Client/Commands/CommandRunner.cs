using System.CommandLine;
using Microsoft.Extensions.Options;
using RaftOrleans.Grains.Interfaces.MapReduce;
using RaftOrleans.Grains.Interfaces.Raft;

namespace RaftOrleans.Client.Commands;

/// <summary>Checks a command's input, opens the cluster connection for it, and turns known failures into messages and exit codes.</summary>
internal static class CommandRunner
{
    /// <param name="validate">Checks that need no cluster; they run before any connection or embedded silo starts.</param>
    public static async Task<int> RunAsync(
        ParseResult parse,
        CancellationToken cancellationToken,
        Func<ClusterConnection, CancellationToken, Task<int>> body,
        Action? validate = null)
    {
        ConnectionTarget target;
        try
        {
            validate?.Invoke();
            target = ConnectionTarget.From(parse);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidJobException or IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.InvalidInput, exception.Message);
        }

        try
        {
            await using var connection = await ClusterConnection.OpenAsync(target, cancellationToken);
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
        catch (RaftStorageUnavailableException exception)
        {
            return Fail(ExitCodes.ClusterUnavailable, exception.Message);
        }
        catch (OptionsValidationException exception)
        {
            return Fail(ExitCodes.InvalidInput, $"Invalid configuration: {string.Join(" ", exception.Failures)}");
        }
        catch (OperationCanceledException) when (Interrupts.Requested)
        {
            return Fail(ExitCodes.Cancelled, "Cancelled.");
        }
    }

    public static int Fail(int exitCode, string message)
    {
        CliOutput.Error(message);
        return exitCode;
    }
}
