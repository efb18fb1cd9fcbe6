using System.CommandLine;

namespace RaftOrleans.Client.Commands;

/// <summary><c>help [command...]</c>: the usage of the tool or of one of its commands, as <c>--help</c> prints it.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root)
    {
        var words = new Argument<string[]>("command") { Description = "The command to explain, e.g. 'mr run'.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("help", "Show the usage of a command (help mr run), or of the tool.") { words };
        command.SetAction((parse, cancellationToken) =>
        {
            var target = root.Parse([.. parse.GetValue(words) ?? [], "--help"]);
            return target.Errors.Count > 0 ? Task.FromResult(ParseErrors.Report(target)) : target.InvokeAsync(cancellationToken: cancellationToken);
        });
        return command;
    }
}
