namespace RaftOrleans.Silo;

/// <summary>What <c>--help</c> prints: how settings are given, the common ones, and the exit codes.</summary>
internal static class SiloUsage
{
    public static bool IsRequested(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    public const string Text =
        """
        Raft.Orleans silo: one Orleans silo per process, running the MapReduce and Raft grains.

        Usage: RaftOrleans.Silo [--RaftOrleans:Name=value ...]

        Settings (section RaftOrleans) come from appsettings.json beside the binary, then environment variables
        (RaftOrleans__Redis=...), then the command line (--RaftOrleans:SiloPort=11112); later ones win.

          --RaftOrleans:Redis=<connection string>   Redis for membership, storage and reminders (many hosts);
                                                   empty: SQLite in DataDirectory (membership too)
          --RaftOrleans:SiloPort=<port>             silo-to-silo port (default 11111)
          --RaftOrleans:GatewayPort=<port>          client port (default 30000)
          --RaftOrleans:DataDirectory=<dir>         SQLite stores (default ~/.local/share/raft-orleans)
          --RaftOrleans:ClusterId=<id>              cluster of this silo (default raft-orleans)
          --RaftOrleans:ServiceId=<id>              service of this silo (default raft-orleans)
          --RaftOrleans:AdvertisedIPAddress=<ip>    Redis mode: the address others reach this silo at
          --RaftOrleans:FastFailureDetection=true   declare a silent silo dead after 2 s instead of 15 s
          --RaftOrleans:Dashboard:Enabled=true      serve the Orleans dashboard (Dashboard:Port, 8080)

        Exit codes: 0 stopped on request (SIGTERM, Ctrl+C); 1 failed to start or stopped on an error;
        2 invalid configuration; 3 something configured is unavailable (a port in use, Redis not answering);
        134 declared dead by the cluster while it was unresponsive (restart it).
        """;
}
