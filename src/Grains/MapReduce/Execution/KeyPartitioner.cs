using System.Text;

namespace RaftOrleans.Grains.MapReduce.Execution;

/// <summary>
/// Assigns keys to reduce tasks with FNV-1a (32 bit) over the key's UTF-8 bytes, masked to 31 bits,
/// as the classic lab does: stable across processes and machines, unlike <see cref="string.GetHashCode()"/>.
/// </summary>
public static class KeyPartitioner
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static int Partition(string key, int reduceTasks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reduceTasks, 1);
        return (int)((Fnv1a(key) & 0x7fffffff) % (uint)reduceTasks);
    }

    public static uint Fnv1a(string key)
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
