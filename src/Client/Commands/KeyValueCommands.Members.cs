using System.CommandLine;
using System.Text.Json;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Client.Commands;

/// <summary><c>kv members [add|remove|replace]</c> and <c>kv leader transfer</c>: the group's shape while it serves.</summary>
internal static partial class KeyValueCommands
{
    private static Command MoveLeader(string name)
    {
        var successor = new Argument<string>("peer") { Description = "The voter to lead the group, e.g. p1." };
        var command = new Command(name, "Hand the group's leadership to another voter (no election timeout); prints the new leader and its term.") { successor };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse,
            cancellationToken,
            async (client, ct) =>
            {
                var target = parse.GetValue(successor)!;
                var term = await client.MoveLeaderAsync(target, ct);
                Console.WriteLine(parse.GetValue(GlobalOptions.Json)
                    ? JsonSerializer.Serialize(new { Leader = target, Term = term }, JsonOptions)
                    : $"{target} leads group '{parse.GetValue(Group)}' in term {term}");
                return ExitCodes.Success;
            },
            validate: () => ValidatePeerId(parse.GetValue(successor)!)));
        return command;
    }

    private static Command Members()
    {
        var command = new Command("members", "List the group's members (peer, role, silo, last index, lag behind the leader), or change them: add, remove, replace.");
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async (client, ct) =>
        {
            var (membership, leader, states) = await client.MembersAsync(ct);
            var leaderLast = states.FirstOrDefault(s => s.Peer == leader).State?.LastIndex ?? 0;
            var rows = membership.Members.Order(StringComparer.Ordinal).Select(peer =>
            {
                var state = states.FirstOrDefault(s => s.Peer == peer).State;
                return (Peer: peer, Role: RoleOf(membership, peer), state?.Silo, Last: state?.LastIndex, Lag: state is null ? (long?)null : Math.Max(0, leaderLast - state.LastIndex), Leader: peer == leader);
            }).ToList();
            if (parse.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { Configuration = membership.ToString(), Members = rows.Select(r => new { r.Peer, r.Role, r.Silo, r.Last, r.Lag, r.Leader }) }, JsonOptions));
                return;
            }

            Console.WriteLine($"{"peer",-8} {"role",-9} {"silo",-28} {"last",10} {"lag",8}");
            foreach (var row in rows)
            {
                Console.WriteLine(row.Silo is null
                    ? $"{row.Peer,-8} {row.Role,-9} (no answer)"
                    : $"{row.Peer,-8} {row.Role,-9} {row.Silo,-28} {row.Last,10} {row.Lag,8}{(row.Leader ? "  leader" : string.Empty)}");
            }
        }));

        var added = new Argument<string>("peer") { Description = "The new peer's id, e.g. p3 (letters, digits, '.', '_', '-'; never one removed before)." };
        var learner = new Option<bool>("--learner") { Description = "Add a learner, which receives the log and never votes, instead of a voter." };
        var add = new Command("add", "Add a voter (it joins as a learner and is promoted once caught up) or, with --learner, a learner.") { added, learner };
        add.SetAction((parse, cancellationToken) => Change(
            parse,
            cancellationToken,
            parse.GetValue(learner) ? MembershipChange.AddLearner(parse.GetValue(added)!) : MembershipChange.AddVoter(parse.GetValue(added)!),
            parse.GetValue(added)!));
        command.Subcommands.Add(add);

        var removed = new Argument<string>("peer") { Description = "The member to remove; it stops and deletes its storage. A removed leader hands over first." };
        var remove = new Command("remove", "Remove a voter or a learner (not the last voter, nor one of two).") { removed };
        remove.SetAction((parse, cancellationToken) => Change(parse, cancellationToken, MembershipChange.Remove(parse.GetValue(removed)!), parse.GetValue(removed)!));
        command.Subcommands.Add(remove);

        var leaving = new Argument<string>("old") { Description = "The voter that leaves." };
        var joining = new Argument<string>("new") { Description = "The new peer that takes its place." };
        var replace = new Command("replace", "Replace a voter in one step (the newcomer catches up as a learner, then a joint configuration swaps them).") { leaving, joining };
        replace.SetAction((parse, cancellationToken) => Change(
            parse,
            cancellationToken,
            MembershipChange.Replace(parse.GetValue(leaving)!, parse.GetValue(joining)!),
            parse.GetValue(leaving)!,
            parse.GetValue(joining)!));
        command.Subcommands.Add(replace);
        return command;
    }

    /// <summary>Asks the leader for <paramref name="change"/> and says what the group looks like once it is done.</summary>
    private static Task<int> Change(ParseResult parse, CancellationToken cancellationToken, MembershipChange change, params string[] peers) => RunAsync(
        parse,
        cancellationToken,
        async (client, ct) =>
        {
            var group = parse.GetValue(Group);

            // Leave the call some of the command's time to answer once a new voter is still catching up.
            var wait = TimeSpan.FromSeconds(Math.Min(20, parse.GetValue(CommandTimeout) * 0.8));
            Membership membership;
            try
            {
                membership = await client.ChangeMembershipAsync(change, wait, ct);
            }
            catch (MembershipChangeRefusedException refused)
            {
                return CommandRunner.Fail(ExitCodes.InvalidInput, $"Group '{group}' refused: {refused.Message}");
            }
            catch (LeadershipLostException)
            {
                return CommandRunner.Fail(ExitCodes.Failed, $"Group '{group}' changed leader before the change committed: it may or may not have taken effect; 'kv members' shows which.");
            }

            var peer = change.Kind == MembershipChangeKind.Replace ? change.Replacement! : change.Peer;
            var outcome = change.Kind switch
            {
                MembershipChangeKind.AddVoter when membership.IsVoter(peer) => $"{peer} is a voter of group '{group}'",
                MembershipChangeKind.AddVoter => $"{peer} joined group '{group}' as a learner and becomes a voter once caught up",
                MembershipChangeKind.AddLearner => $"{peer} is a learner of group '{group}'",
                MembershipChangeKind.Remove => $"{peer} left group '{group}'",
                _ when membership.IsMember(change.Peer) => $"{peer} is catching up to replace {change.Peer} in group '{group}'",
                _ => $"{peer} replaced {change.Peer} in group '{group}'",
            };
            Console.WriteLine(parse.GetValue(GlobalOptions.Json)
                ? JsonSerializer.Serialize(new { Outcome = outcome, Configuration = membership.ToString() }, JsonOptions)
                : $"{outcome} ({membership})");
            return ExitCodes.Success;
        },
        validate: () =>
        {
            foreach (var peer in peers)
            {
                ValidatePeerId(peer);
            }
        });

    private static string RoleOf(Membership membership, string peer) =>
        (membership.Voters.Contains(peer), membership.Outgoing.Contains(peer)) switch
        {
            (true, true) => "voter",
            (true, false) => membership.IsJoint ? "incoming" : "voter",
            (false, true) => "outgoing",
            _ => membership.Joining.Contains(peer) ? "joining" : "learner",
        };

    private static void ValidatePeerId(string peer)
    {
        if (!GroupName().IsMatch(peer))
        {
            throw new ArgumentException($"Peer id '{Escaped(peer)}' must be 1-64 characters of letters, digits, '.', '_' or '-'.");
        }
    }
}
