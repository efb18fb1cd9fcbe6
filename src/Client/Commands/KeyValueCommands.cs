using System.CommandLine;
using RaftOrleans.Grains.Interfaces.KeyValue;

namespace RaftOrleans.Client.Commands;

/// <summary><c>kv put|append|get</c> against the replicated key/value service of a Raft group.</summary>
internal static class KeyValueCommands
{
    private static readonly Option<string> Group = new("--group", "-g")
    {
        Description = "The Raft group serving the key/value store (created on first use).",
        DefaultValueFactory = _ => "kv",
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
        var command = new Command("kv", "Linearizable key/value store replicated by Raft.") { Group, Peers };
        command.Subcommands.Add(Write("put", "Set a key's value.", (client, key, value, ct) => client.PutAsync(key, value, ct)));
        command.Subcommands.Add(Write("append", "Append to a key's value.", (client, key, value, ct) => client.AppendAsync(key, value, ct)));

        var key = new Argument<string>("key") { Description = "The key." };
        var get = new Command("get", "Print a key's value (empty if never written).") { key };
        get.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            Console.WriteLine(await client.GetAsync(parse.GetValue(key)!, ct));
        }));
        command.Subcommands.Add(get);

        var peers = new Command("peers", "Show where each peer of the group runs and what it knows: silo, role, term, commit and applied index.");
        peers.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            Console.WriteLine($"{"peer",-6} {"silo",-28} {"role",-8} {"term",6} {"commit",10} {"applied",10} {"last",10}");
            foreach (var (peer, state) in await client.PeersAsync(ct))
            {
                Console.WriteLine(state is null
                    ? $"{peer,-6} (no answer)"
                    : $"{peer,-6} {state.Silo,-28} {(state.IsLeader ? "leader" : "follower"),-8} {state.Term,6} {state.CommitIndex,10} {state.LastApplied,10} {state.LastIndex,10}");
            }
        }));
        command.Subcommands.Add(peers);
        return command;
    }

    private static Command Write(string name, string description, Func<KeyValueClient, string, string, CancellationToken, Task> write)
    {
        var key = new Argument<string>("key") { Description = "The key." };
        var value = new Argument<string>("value") { Description = "The value." };
        var command = new Command(name, description) { key, value };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, (client, ct) =>
            write(client, parse.GetValue(key)!, parse.GetValue(value)!, ct)));
        return command;
    }

    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<KeyValueClient, CancellationToken, Task> body) =>
        CommandRunner.RunAsync(parse, cancellationToken, async (connection, ct) =>
        {
            var peerCount = parse.GetValue(Peers);
            if (peerCount < 1)
            {
                return CommandRunner.Fail(ExitCodes.InvalidInput, $"--peers must be at least 1 (was {peerCount}).");
            }

            var group = parse.GetValue(Group)!;
            var peers = Enumerable.Range(0, peerCount).Select(i => $"p{i}").ToArray();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await KeyValueClient.CreateGroupAsync(connection.Grains, group, peers, timeout.Token);
                var client = new KeyValueClient(connection.Grains, group, peers);
                await body(client, timeout.Token);
                return ExitCodes.Success;
            }
            catch (Exception exception) when (exception is ArgumentException or KvRequestException)
            {
                return CommandRunner.Fail(ExitCodes.InvalidInput, exception.Message);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                return CommandRunner.Fail(ExitCodes.ClusterUnavailable, $"Group '{group}' did not answer within 30 s (no leader with a majority?).");
            }
        });
}
