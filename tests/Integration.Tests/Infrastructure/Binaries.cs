using System.Reflection;

namespace RaftOrleans.Integration.Tests.Infrastructure;

/// <summary>The silo and client builds the tests start (paths fixed at build time by the project file).</summary>
public static class Binaries
{
    public static string SiloDll { get; } = Find("SiloDll");

    public static string ClientDll { get; } = Find("ClientDll");

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string DotnetHost { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string Find(string key)
    {
        var path = typeof(Binaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
        return File.Exists(path) ? path : throw new FileNotFoundException($"{key} not built: {path}", path);
    }
}
