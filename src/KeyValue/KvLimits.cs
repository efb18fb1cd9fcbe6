namespace RaftOrleans.KeyValue;

/// <summary>What a request may carry; checked by the client and again by the store, which must agree on every peer.</summary>
public sealed record KvLimits(int MaxKeyLength = 1024, int MaxValueLength = 1 << 20, int MaxScanLimit = 10_000)
{
    /// <summary>Why the request is not acceptable, or null when it is. A scan's key is a prefix, and may be empty.</summary>
    public string? Check(KvOperation operation, string key, string value, int limit = 0)
    {
        if (string.IsNullOrEmpty(key) && operation != KvOperation.Scan)
        {
            return "The key must not be empty.";
        }

        if (key.Length > MaxKeyLength)
        {
            return $"The key is {key.Length} characters long; the limit is {MaxKeyLength}.";
        }

        if (operation == KvOperation.Scan && (limit < 1 || limit > MaxScanLimit))
        {
            return $"A scan returns 1 to {MaxScanLimit} keys (was {limit}).";
        }

        return operation is KvOperation.Put or KvOperation.Append or KvOperation.CompareAndSwap && value.Length > MaxValueLength
            ? $"The value is {value.Length} characters long; the limit is {MaxValueLength}."
            : null;
    }

    /// <summary>Why a key may not hold a value of <paramref name="length"/> characters (an append's result), or null.</summary>
    public string? CheckResult(long length) =>
        length > MaxValueLength
            ? $"The value would be {length} characters long; the limit is {MaxValueLength}. Nothing was changed."
            : null;
}
