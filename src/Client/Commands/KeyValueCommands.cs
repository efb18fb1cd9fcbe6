using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RaftOrleans.Grains.Interfaces;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.KeyValue;
using RaftOrleans.KeyValue.Client;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Client.Commands;

/// <summary><c>kv put|append|get|del|cas|scan|peers|move-leader</c> against the replicated key/value service of a Raft group; <c>kv members</c> and <c>kv leader</c> in <c>.Members</c>.</summary>
internal static partial class KeyValueCommands
{

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static readonly Option<string> Group = new("--group", "-g")
    {
        Description = "The Raft group serving the key/value store (created on first use).",
        DefaultValueFactory = _ => "kv",
        Recursive = true,
    };

    private static readonly Option<double> CommandTimeout = new("--command-timeout")
    {
        Description = "Seconds to wait for the group's answer before giving up (exit code 3).",
        DefaultValueFactory = _ => 30,
        Recursive = true,
    };

    private static readonly Option<int> Peers = new("--peers")
    {
        Description = "Number of Raft peers in the group (p0..pN-1); fixed when the group is created.",
        DefaultValueFactory = _ => 3,
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("kv", "Linearizable key/value store replicated by Raft.") { Group, Peers, CommandTimeout };
        command.Subcommands.Add(Write("put", "Set a key's value.", (client, key, value, ct) => client.PutAsync(key, value, ct)));
        command.Subcommands.Add(Write("append", "Append to a key's value.", (client, key, value, ct) => client.AppendAsync(key, value, ct)));

        var key = new Argument<string>("key") { Description = "The key." };
        var get = new Command("get", "Print a key's value (empty if never written), byte for byte: a line break follows it only on a terminal.") { key };
        get.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            var name = parse.GetValue(key)!;
            var value = await client.GetAsync(name, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { Key = name, Value = value }, JsonOptions));
            }
            else
            {
                // The value exactly as stored into a file or a pipe; on a terminal a line break after it, for the prompt.
                Console.Write(Console.IsOutputRedirected ? value : value + Environment.NewLine);
            }
        }));
        command.Subcommands.Add(get);

        var deleted = new Argument<string>("key") { Description = "The key." };
        var del = new Command("del", "Remove a key (it then reads as empty).") { deleted };
        del.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            await client.DeleteAsync(parse.GetValue(deleted)!, ct);
            Acknowledge(parse);
        }));
        command.Subcommands.Add(del);

        var casKey = new Argument<string>("key") { Description = "The key." };
        var expected = new Argument<string>("expected") { Description = "The value the key must hold (\"\" for a missing key)." };
        var replacement = new Argument<string>("new") { Description = "The value to set if it does." };
        var cas = new Command("cas", "Compare-and-swap: set the key to <new> only if it holds <expected>; exit code 1 and the current value when it does not.") { casKey, expected, replacement };
        cas.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            var (swapped, current) = await client.CompareAndSwapAsync(parse.GetValue(casKey)!, parse.GetValue(expected)!, parse.GetValue(replacement)!, ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { Swapped = swapped, Value = current }, JsonOptions));
            }
            else if (swapped)
            {
                Acknowledge(parse);
            }
            else
            {
                CliOutput.Error($"'{parse.GetValue(casKey)}' holds another value; nothing was changed. Current value:");
                Console.WriteLine(current);
            }

            return swapped ? ExitCodes.Success : ExitCodes.Failed;
        }));
        command.Subcommands.Add(cas);

        var prefix = new Argument<string>("prefix") { Description = "Keys that start with this (\"\" for all).", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => string.Empty };
        var limit = new Option<int>("--limit") { Description = "The most keys to print (1-10000).", DefaultValueFactory = _ => 100 };
        var scan = new Command("scan", "Print the keys that start with a prefix and their values, sorted, as of one instant: 'key<TAB>value' per line, with backslash, TAB, line breaks and other control characters escaped as \\\\, \\t, \\n, \\r, \\xNN (--json for the values as they are).") { prefix, limit };
        scan.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            var entries = await client.ScanAsync(parse.GetValue(prefix) ?? string.Empty, parse.GetValue(limit), ct);
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries.Select(e => new { e.Key, e.Value }), JsonOptions));
                return;
            }

            foreach (var (key, value) in entries)
            {
                Console.WriteLine($"{Escaped(key)}\t{Escaped(value)}");
            }
        }));
        command.Subcommands.Add(scan);

        var peers = new Command("peers", "Show where each peer of the group runs and what it knows: silo, role, term, commit and applied index.");
        peers.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            var states = await client.PeersAsync(ct);

            // Peers that left the group (named by --peers, or learned before) are not shown once a member answers.
            var views = states.Where(s => s.State is { Left: false }).Select(s => s.State!.Membership).OfType<Membership>().ToList();
            if (views.Count > 0)
            {
                states = [.. states.Where(s => views.Any(v => v.IsMember(s.Peer)))];
            }

            states = [.. states.OrderBy(s => s.Peer, StringComparer.Ordinal)];

            static string Role(string peer, PeerState state) =>
                state.IsLeader ? "leader" : state.Membership?.IsLearner(peer) == true ? "learner" : "follower";

            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(states.Select(s => new
                {
                    s.Peer,
                    s.State?.Silo,
                    Role = s.State is null ? null : Role(s.Peer, s.State),
                    s.State?.Term,
                    s.State?.CommitIndex,
                    s.State?.LastApplied,
                    s.State?.LastIndex,
                }), JsonOptions));
                return;
            }

            Console.WriteLine($"{"peer",-6} {"silo",-28} {"role",-8} {"term",6} {"commit",10} {"applied",10} {"last",10}");
            foreach (var (peer, state) in states)
            {
                Console.WriteLine(state is null
                    ? $"{peer,-6} (no answer)"
                    : $"{peer,-6} {state.Silo,-28} {Role(peer, state),-8} {state.Term,6} {state.CommitIndex,10} {state.LastApplied,10} {state.LastIndex,10}");
            }
        }));
        command.Subcommands.Add(peers);

        command.Subcommands.Add(MoveLeader("move-leader"));
        command.Subcommands.Add(Members());
        command.Subcommands.Add(new Command("leader", "The group's leadership.") { MoveLeader("transfer") });
        return command;
    }

    private static Command Write(string name, string description, Func<KeyValueClient, string, string, CancellationToken, Task> write)
    {
        var key = new Argument<string>("key") { Description = "The key." };
        var value = new Argument<string?>("value") { Description = "The value; '-' reads it from stdin.", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<FileInfo?>("--value-file") { Description = "Read the value from this file (UTF-8) instead." };
        var command = new Command(name, description) { key, value, file };
        command.SetAction((parse, cancellationToken) =>
        {
            string? text = null;
            return RunAsync(
                parse,
                cancellationToken,
                async (client, ct) =>
                {
                    await write(client, parse.GetValue(key)!, text!, ct);
                    Acknowledge(parse);
                },
                validate: () => text = ReadValue(name, parse.GetValue(key)!, parse.GetValue(value), parse.GetValue(file)));
        });
        return command;
    }

    /// <summary>A write's answer: <c>OK</c> (or its JSON), nothing with <c>--quiet</c>.</summary>
    private static void Acknowledge(ParseResult parse)
    {
        if (parse.GetValue(GlobalOptions.Json))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { Ok = true }, JsonOptions));
        }
        else if (!CliOutput.Quiet)
        {
            Console.WriteLine("OK");
        }
    }

    /// <summary>The value from the argument, stdin or a file, checked against the limits before anything connects.</summary>
    private static string ReadValue(string command, string key, string? argument, FileInfo? file)
    {
        if (argument is not null && file is not null)
        {
            throw new ArgumentException($"kv {command}: give the value as an argument or by --value-file, not both.");
        }

        string value;
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new ArgumentException($"--value-file: '{file.FullName}' does not exist.");
            }

            value = File.ReadAllText(file.FullName, Encoding.UTF8);
        }
        else if (argument == "-")
        {
            value = Console.In.ReadToEnd();
        }
        else
        {
            value = argument ?? throw new ArgumentException($"kv {command}: no value; give it as an argument, '-' for stdin, or --value-file.");
        }

        KeyValueClient.Validate(KvOperation.Put, key, value);
        return value;
    }

    /// <summary>Why a group may not answer that a silo can tell: its Raft storage (e.g. Redis) does not; null if it does, or if no silo says.</summary>
    private static async Task<string?> StorageProblemAsync(IGrainFactory grains)
    {
        try
        {
            return await grains.GetGrain<IRaftRouterGrain>(0).StorageProblemAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is TimeoutException || GrainCalls.IsTransient(exception))
        {
            return null;
        }
    }

    /// <summary>A key or value on one line of <c>scan</c>'s text output: C-style escapes, so that TAB and line breaks stay separators.</summary>
    internal static string Escaped(string text)
    {
        if (!text.Any(c => c == '\\' || char.IsControl(c)))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => "\\\\",
                '\t' => "\\t",
                '\n' => "\\n",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<KeyValueClient, CancellationToken, Task> body, Action? validate = null) =>
        RunAsync(
            parse,
            cancellationToken,
            async (client, ct) =>
            {
                await body(client, ct);
                return ExitCodes.Success;
            },
            validate);

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<KeyValueClient, CancellationToken, Task<int>> body, Action? validate = null) =>
        CommandRunner.RunAsync(
            parse,
            cancellationToken,
            async (connection, ct) =>
            {
                var group = parse.GetValue(Group)!;
                var peers = Enumerable.Range(0, parse.GetValue(Peers)).Select(i => $"p{i}").ToArray();
                var limit = TimeSpan.FromSeconds(parse.GetValue(CommandTimeout));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(limit);
                string? lastMiss = null;
                KeyValueClient? client = null;
                try
                {
                    await KeyValueClient.CreateGroupAsync(connection.Grains, group, peers, timeout.Token, miss => lastMiss = $"{miss.GetType().Name}: {miss.Message}");
                    client = new KeyValueClient(connection.Grains, group, peers);
                    return await body(client, timeout.Token);
                }
                catch (Exception exception) when (exception is ArgumentException or KvRequestException or GroupConfigMismatchException)
                {
                    return CommandRunner.Fail(ExitCodes.InvalidInput, exception is GroupConfigMismatchException
                        ? $"Group '{group}' exists with other peers than --peers {peers.Length} names ({exception.Message}); give its own --peers."
                        : exception.Message);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    var why = await StorageProblemAsync(connection.Grains) ?? ((client?.LastMiss ?? lastMiss) is { } miss ? $"last error: {miss}" : null);
                    return CommandRunner.Fail(ExitCodes.ClusterUnavailable, $"Group '{group}' did not answer within {limit.TotalSeconds:0.###} s ({why ?? "no leader with a majority?"}); --command-timeout waits longer.");
                }
            },
            validate: () =>
            {
                if (parse.GetValue(Peers) < 1)
                {
                    throw new ArgumentException($"--peers must be at least 1 (was {parse.GetValue(Peers)}).");
                }

                if (!GroupName().IsMatch(parse.GetValue(Group)!))
                {
                    throw new ArgumentException($"--group '{Escaped(parse.GetValue(Group)!)}' must be 1-64 characters of letters, digits, '.', '_' or '-' ('/' separates a group from its peers).");
                }

                if (parse.GetValue(CommandTimeout) is var seconds && !(double.IsFinite(seconds) && seconds > 0 && seconds <= 86400))
                {
                    throw new ArgumentException($"--command-timeout must be a number of seconds above 0 and at most 86400 (was {seconds.ToString(CultureInfo.InvariantCulture)}).");
                }

                validate?.Invoke();
            });

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex GroupName();
}
