namespace RaftOrleans.KeyValue.Service;

/// <summary>
/// What a key/value request may carry (section <see cref="SectionName"/>). Every peer of a group checks its commands
/// against these as it applies them, so every silo must have the same values: a peer with other limits would accept
/// or refuse what the others did not.
/// </summary>
public sealed class KeyValueOptions
{
    public const string SectionName = "RaftOrleans:KeyValue";

    /// <summary>Longest key, in characters.</summary>
    public int MaxKeyLength { get; set; } = 1024;

    /// <summary>Largest value a Put, Append or compare-and-swap may leave, in characters.</summary>
    public int MaxValueLength { get; set; } = 1 << 20;

    /// <summary>The most keys one scan returns.</summary>
    public int MaxScanLimit { get; set; } = 10_000;

    public KvLimits ToLimits() => new(MaxKeyLength, MaxValueLength, MaxScanLimit);
}
