using RaftOrleans.Grains.Interfaces;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// Assigns keys to reduce tasks by <see cref="Fnv1a.Hash"/> of the key, masked to 31 bits, as the classic lab
/// does: stable across processes and machines.
/// </summary>
public static class KeyPartitioner
{
    public static int Partition(string key, int reduceTasks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reduceTasks, 1);
        return (int)((Fnv1a.Hash(key) & 0x7fffffff) % (uint)reduceTasks);
    }
}
