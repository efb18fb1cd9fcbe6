namespace RaftOrleans.KeyValue.Client;

/// <summary>The service refused the request (e.g. an empty key or a value over the limit); nothing changed.</summary>
public sealed class KvRequestException(string message) : Exception(message);
