using System.CommandLine;
using System.CommandLine.Parsing;
using RaftOrleans.Hosting;

namespace RaftOrleans.Client;

/// <summary>
/// A command line that does not parse, told in one line per problem: a misspelt command or option with the nearest
/// known name ("did you mean"), then where the usage is. Nothing runs.
/// </summary>
internal static class ParseErrors
{
    public static int Report(ParseResult parse)
    {
        // The first unknown word is the mistake; the words after it are arguments of what it was meant to be.
        var unknown = parse.UnmatchedTokens;
        if (unknown.Count > 0)
        {
            CliOutput.Error(Unknown(unknown[0], parse));
        }

        foreach (var error in parse.Errors)
        {
            // Each unmatched token has its line above, with a suggestion; "no command given" is then that token's fault.
            var aboutUnknown = unknown.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))
                || (unknown.Count > 0 && error.Message.StartsWith("Required command", StringComparison.Ordinal));
            if (!aboutUnknown)
            {
                CliOutput.Error(error.Message);
            }
        }

        Console.Error.WriteLine($"Run '{string.Join(' ', [.. Path(parse), "--help"])}' for usage.");
        return ExitCodes.InvalidInput;
    }

    /// <summary>What is wrong with a word the command does not know, and the known name nearest to it.</summary>
    public static string Unknown(string token, ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var isOption = token.StartsWith('-');
        var names = isOption
            ? Ancestry(command).SelectMany(c => c.Options.Where(o => c == command || o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        var known = names.Distinct(StringComparer.Ordinal).ToList();
        var what = isOption ? "option" : "command";
        var where = string.Join(' ', Path(parse));
        return NearestName.To(token, known) is { } suggestion
            ? $"Unknown {what} '{token}' for '{where}'; did you mean '{suggestion}'?"
            : !isOption && known.Count > 0
                ? $"Unknown command '{token}' for '{where}'; its commands are {string.Join(", ", known)}."
                : $"Unknown {what} or argument '{token}' for '{where}'.";
    }

    private static IEnumerable<Command> Ancestry(Command command)
    {
        for (Command? current = command; current is not null; current = current.Parents.OfType<Command>().FirstOrDefault())
        {
            yield return current;
        }
    }

    /// <summary>The words of the command that parsed, starting with the tool's name.</summary>
    private static IReadOnlyList<string> Path(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return [CliOutput.Name, .. names];
    }
}
