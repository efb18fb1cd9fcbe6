namespace RaftOrleans.Raft.Hosting;

/// <summary>Names of the grain directories the grains use; a host must register them.</summary>
public static class DirectoryNames
{
    /// <summary>
    /// Where Raft peers are found: a directory outside the silos (the machine's SQLite, the cluster's Redis), so
    /// that a silo that stalls holds no entry of a peer that lives elsewhere.
    /// </summary>
    public const string RaftPeers = "raft-peers";
}
