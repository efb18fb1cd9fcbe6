namespace RaftOrleans.TestSupport;

/// <summary>The Redis server the Redis tests use: <c>RAFT_ORLEANS_TEST_REDIS</c>, set by <c>.ci/run</c>, which starts one.</summary>
public static class TestRedis
{
    public const string Variable = "RAFT_ORLEANS_TEST_REDIS";

    /// <exception cref="InvalidOperationException">The variable is not set: the Redis tests fail rather than pass unseen.</exception>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: the Redis tests need a Redis server. Run them with .ci/run (it starts one), "
                + $"or start one (redis-server --port 6390 --appendonly yes --appendfsync always) and set {Variable}=127.0.0.1:6390.");
}
