namespace RaftOrleans.Raft.Core;

/// <summary>
/// Who belongs to a group at one point of its log (thesis ch. 4). A configuration takes effect on every peer as soon
/// as its entry is in that peer's log, committed or not (§4.1); a truncated entry takes its configuration with it.
/// <list type="bullet">
/// <item><see cref="Voters"/> elect and commit; while <see cref="Outgoing"/> is not empty the group is joint
/// (C_old,new, §4.3) and every decision needs a majority of each set.</item>
/// <item><see cref="Learners"/> receive the log and count for nothing.</item>
/// <item><see cref="Target"/>, when set, is the voter set the group is moving to once its learners have caught up: the
/// leader then proposes the change itself (see <see cref="RaftNode.ProposeMembership"/>).</item>
/// </list>
/// Sets are kept sorted, so two equal configurations are equal element by element.
/// </summary>
[GenerateSerializer, Immutable, Alias("raft.Membership")]
public sealed record Membership
{
    public Membership(IEnumerable<string> voters, IEnumerable<string>? outgoing = null, IEnumerable<string>? learners = null, IEnumerable<string>? target = null)
    {
        Voters = Sorted(voters);
        Outgoing = Sorted(outgoing ?? []);
        Learners = Sorted(learners ?? []);
        Target = target is null ? null : Sorted(target);
    }

    [Id(0)]
    public readonly string[] Voters;

    /// <summary>The old voters of a joint configuration; empty otherwise.</summary>
    [Id(1)]
    public readonly string[] Outgoing;

    [Id(2)]
    public readonly string[] Learners;

    /// <summary>The voters the group moves to once the learners among them have caught up, or null.</summary>
    [Id(3)]
    public readonly string[]? Target;

    public bool IsJoint => Outgoing.Length > 0;

    /// <summary>Whether <paramref name="peer"/> votes (in either half of a joint configuration).</summary>
    public bool IsVoter(string peer) => Contains(Voters, peer) || Contains(Outgoing, peer);

    public bool IsLearner(string peer) => Contains(Learners, peer);

    public bool IsMember(string peer) => IsVoter(peer) || IsLearner(peer);

    /// <summary>Every voter, of both halves when joint.</summary>
    public IEnumerable<string> AllVoters => Voters.Union(Outgoing);

    /// <summary>Every peer that receives the log.</summary>
    public IEnumerable<string> Members => AllVoters.Union(Learners);

    /// <summary>Learners that become voters when <see cref="Target"/> is reached.</summary>
    public IEnumerable<string> Joining => Target is null ? [] : Target.Except(Voters);

    /// <summary>Whether the peers for which <paramref name="yes"/> holds form a majority of the voters (of each half, when joint).</summary>
    public bool HasQuorum(Func<string, bool> yes) => Majority(Voters, yes) && Majority(Outgoing, yes);

    /// <summary>Whether the peers for which <paramref name="no"/> holds leave no majority possible (in either half).</summary>
    public bool QuorumImpossible(Func<string, bool> no) => Impossible(Voters, no) || Impossible(Outgoing, no);

    /// <summary>The highest index a majority holds (of each half, when joint), given each voter's <paramref name="match"/>.</summary>
    public long CommittedIndex(Func<string, long> match) => Math.Min(Committed(Voters, match), Committed(Outgoing, match));

    public bool Equals(Membership? other) =>
        other is not null
        && Voters.SequenceEqual(other.Voters)
        && Outgoing.SequenceEqual(other.Outgoing)
        && Learners.SequenceEqual(other.Learners)
        && (Target is null ? other.Target is null : other.Target is not null && Target.SequenceEqual(other.Target));

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>E.g. <c>voters a,b,c learners d target a,b,c,d</c> or <c>voters a,b,d outgoing a,b,c</c>.</summary>
    public override string ToString()
    {
        var text = $"voters {string.Join(',', Voters)}";
        if (IsJoint)
        {
            text += $" outgoing {string.Join(',', Outgoing)}";
        }

        if (Learners.Length > 0)
        {
            text += $" learners {string.Join(',', Learners)}";
        }

        return Target is null ? text : $"{text} target {string.Join(',', Target)}";
    }

    private static string[] Sorted(IEnumerable<string> peers) => [.. peers.Distinct().Order(StringComparer.Ordinal)];

    private static bool Contains(string[] set, string peer) => set.Contains(peer);

    // An empty half (the outgoing half outside a joint configuration) agrees to everything.
    private static bool Majority(string[] set, Func<string, bool> yes) =>
        set.Length == 0 || set.Count(yes) > set.Length / 2;

    private static bool Impossible(string[] set, Func<string, bool> no) =>
        set.Length > 0 && set.Count(no) >= set.Length - (set.Length / 2);

    private static long Committed(string[] set, Func<string, long> match)
    {
        if (set.Length == 0)
        {
            return long.MaxValue;
        }

        var matches = set.Select(match).Order().ToArray();
        return matches[matches.Length - ((matches.Length / 2) + 1)];
    }
}
