namespace RaftOrleans.Client;

internal sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
