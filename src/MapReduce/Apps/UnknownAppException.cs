namespace RaftOrleans.MapReduce.Apps;

public sealed class UnknownAppException(string name, IReadOnlyCollection<string> known)
    : Exception($"Unknown MapReduce app '{name}'. Known apps: {string.Join(", ", known)}.");
