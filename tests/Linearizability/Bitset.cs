using System.Numerics;

namespace RaftOrleans.Linearizability;

/// <summary>An immutable set of small integers (operation indices), with value equality.</summary>
internal sealed class Bitset : IEquatable<Bitset>
{
    private readonly ulong[] _words;
    private readonly int _hash;

    public Bitset(int size)
        : this(new ulong[(size + 63) / 64])
    {
    }

    private Bitset(ulong[] words)
    {
        _words = words;
        var hash = default(HashCode);
        foreach (var w in words)
        {
            hash.Add(w);
        }

        _hash = hash.ToHashCode();
    }

    public int Count => _words.Sum(w => BitOperations.PopCount(w));

    public Bitset With(int i)
    {
        var words = (ulong[])_words.Clone();
        words[i >> 6] |= 1UL << (i & 63);
        return new Bitset(words);
    }

    public bool Contains(int i) => (_words[i >> 6] & (1UL << (i & 63))) != 0;

    public Bitset Without(int i)
    {
        var words = (ulong[])_words.Clone();
        words[i >> 6] &= ~(1UL << (i & 63));
        return new Bitset(words);
    }

    public bool Equals(Bitset? other) =>
        other is not null && _hash == other._hash && _words.AsSpan().SequenceEqual(other._words);

    public override bool Equals(object? obj) => Equals(obj as Bitset);

    public override int GetHashCode() => _hash;
}
