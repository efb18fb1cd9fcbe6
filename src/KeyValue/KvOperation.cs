namespace RaftOrleans.KeyValue;

public enum KvOperation : byte
{
    Get = 0,
    Put = 1,
    Append = 2,

    /// <summary>Removes the key (a missing key reads as empty).</summary>
    Delete = 3,

    /// <summary>Sets the value only if it is <see cref="KvCommand.Expected"/> (empty for a missing key).</summary>
    CompareAndSwap = 4,

    /// <summary>A read of the keys that start with <see cref="KvCommand.Key"/>, in ordinal order, at most <see cref="KvCommand.Limit"/>.</summary>
    Scan = 5,
}
