namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>One silo process of a <see cref="SiloProcessCluster"/>, with its ports.</summary>
public sealed record SiloProcess(ChildProcess Process, int SiloPort, int GatewayPort)
{
    public string Gateway => $"127.0.0.1:{GatewayPort}";
}
