namespace RaftOrleans.Client;

/// <summary>
/// Where the client writes what: data (values, results, JSON) on stdout; progress, warnings and errors on stderr,
/// one line each, never wrapped, so that <c>kv get k &gt; file</c> or a pipe receives nothing but the data.
/// </summary>
internal static class CliOutput
{
    /// <summary>The command users type (the .NET tool's name).</summary>
    public const string Name = "raft-orleans";

    /// <summary>Details for errors (exception types, stack traces) and Orleans' own warnings; <c>--verbose</c>.</summary>
    public static bool Verbose { get; set; }

    /// <summary>Nothing but data and errors on the streams; <c>--quiet</c>.</summary>
    public static bool Quiet { get; set; }

    public static void Error(string message) => Console.Error.WriteLine($"error: {OneLine(message)}");

    public static void Warning(string message) => Console.Error.WriteLine($"warning: {OneLine(message)}");

    /// <summary>Progress and acknowledgements: stderr, unless <see cref="Quiet"/>.</summary>
    public static void Info(string message)
    {
        if (!Quiet)
        {
            Console.Error.WriteLine(OneLine(message));
        }
    }

    /// <summary>An unexpected failure: its message, and with <see cref="Verbose"/> the whole exception.</summary>
    public static void Unexpected(Exception exception)
    {
        Error($"{exception.Message} ({exception.GetType().Name}; --verbose shows details)");
        if (Verbose)
        {
            Console.Error.WriteLine(exception);
        }
    }

    public static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
