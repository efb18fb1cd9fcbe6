using StackExchange.Redis;

namespace RaftOrleans.Hosting;

/// <summary>The Redis connection string of a cluster: parsing it with a clear message, and checking Redis answers.</summary>
public static class SiloHostRedis
{
    /// <summary>How long a silo or client waits for Redis at start before giving up.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Parses a StackExchange.Redis connection string.</summary>
    /// <returns>Null and an error message when it is malformed or names no server.</returns>
    public static ConfigurationOptions? TryParse(string connectionString, out string? error)
    {
        try
        {
            var options = ConfigurationOptions.Parse(connectionString);
            if (options.EndPoints.Count == 0)
            {
                error = $"the Redis connection string '{connectionString}' names no server as host:port (expected host:port[,host:port...][,option=value...]).";
                return null;
            }

            error = null;
            return options;
        }
        catch (ArgumentException exception)
        {
            error = $"the Redis connection string '{connectionString}' is malformed: {exception.Message}";
            return null;
        }
    }

    /// <summary>Connects to Redis and pings it, within <see cref="ConnectTimeout"/>.</summary>
    /// <returns>Null when Redis answered; otherwise why not.</returns>
    public static async Task<string?> CheckReachableAsync(string connectionString, CancellationToken cancellationToken)
    {
        var options = TryParse(connectionString, out var error);
        if (options is null)
        {
            return error;
        }

        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)ConnectTimeout.TotalMilliseconds;
        var servers = string.Join(",", options.EndPoints);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout * 2);
            await using var connection = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(timeout.Token);
            await connection.GetDatabase().PingAsync().WaitAsync(timeout.Token);
            return null;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"Redis at {servers} is unreachable: {FirstSentence(exception.Message)}";
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.Trim() : message[..(end + 1)];
    }
}
