namespace RaftOrleans.Raft.Core.Tests.Simulation;

/// <summary>The lab's "Passed" line of one scenario: virtual seconds, peers, RPCs, bytes, commits (and crashes injected at saves).</summary>
public sealed record ScenarioResult(string Name, double Seconds, int Peers, long Rpcs, long Bytes, long Commits, int CrashesAtSaves = 0)
{
    /// <summary>Membership changes the leaders took during the run.</summary>
    public int MembershipChanges { get; init; }

    public override string ToString() =>
        $"{Name}: ... Passed --  {Seconds,5:F1}  {Peers}  {Rpcs,5}  {Bytes,8}  {Commits,4}";
}
