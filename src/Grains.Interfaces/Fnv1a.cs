namespace RaftOrleans.Grains.Interfaces;

/// <summary>
/// FNV-1a (32 bit) over a string's UTF-8 bytes: the same on every process and machine, unlike
/// <see cref="string.GetHashCode()"/>, so that clients and silos agree where a key belongs.
/// </summary>
public static class Fnv1a
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Hash(string key)
    {
        var hash = OffsetBasis;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in key.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ buffer[i]) * Prime;
            }
        }

        return hash;
    }
}
