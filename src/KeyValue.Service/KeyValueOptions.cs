namespace RaftOrleans.KeyValue.Service;

public sealed class KeyValueOptions
{
    public int MaxKeyLength { get; set; } = 1024;

    /// <summary>Largest value a Put or Append may carry, in characters.</summary>
    public int MaxValueLength { get; set; } = 1 << 20;
}
