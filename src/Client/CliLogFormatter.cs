using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RaftOrleans.Client;

/// <summary>
/// Log lines of the client and its embedded silo: one line per event (level, category, message, and an
/// exception's type and message); the whole exception only with <c>--verbose</c>.
/// </summary>
internal sealed class CliLogFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "raft-orleans-cli";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        var exception = logEntry.Exception;
        var level = logEntry.LogLevel switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        var cause = exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})";
        textWriter.WriteLine(CliOutput.OneLine($"{level}: {logEntry.Category}: {message}{cause}"));
        if (exception is not null && CliOutput.Verbose)
        {
            textWriter.WriteLine(exception);
        }
    }
}
