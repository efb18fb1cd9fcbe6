using System.Diagnostics.CodeAnalysis;

namespace RaftOrleans.Grains.Raft.Storage;

/// <summary>One record of the grain storage provider, with the ETag of its last read or write.</summary>
internal sealed class StoredRecord<T>(T state) : IGrainState<T>
    where T : class, new()
{
    private T _state = state;

    /// <summary>A provider clearing a record may set null; the record then holds a fresh empty state.</summary>
    [AllowNull]
    public T State
    {
        get => _state;
        set => _state = value ?? new T();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
