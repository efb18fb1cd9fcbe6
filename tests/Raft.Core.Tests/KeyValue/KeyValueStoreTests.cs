using RaftOrleans.KeyValue;

namespace RaftOrleans.Raft.Core.Tests.KeyValue;

/// <summary>The key/value state machine alone: delete, compare-and-swap, scan, and what survives a snapshot or an old format.</summary>
public sealed class KeyValueStoreTests
{
    private readonly Guid _client = Guid.NewGuid();
    private long _sequence;

    [Fact]
    public void CompareAndSwap_SwapsOnlyFromTheExpectedValue_AndReportsTheCurrentOne()
    {
        var store = new KeyValueStore(new KvLimits());
        Assert.True(Apply(store, KvOperation.CompareAndSwap, "k", "a", expected: "").Swapped); // a missing key holds ""
        var refused = Apply(store, KvOperation.CompareAndSwap, "k", "b", expected: "x");
        Assert.False(refused.Swapped);
        Assert.Equal("a", refused.Value);
        Assert.True(Apply(store, KvOperation.CompareAndSwap, "k", "b", expected: "a").Swapped);
        Assert.Equal("b", store.Read("k"));
    }

    [Fact]
    public void Delete_RemovesTheKey_AndScanListsPrefixedKeysInOrderUpToTheLimit()
    {
        var store = new KeyValueStore(new KvLimits());
        foreach (var key in new[] { "user/3", "user/1", "other", "user/2" })
        {
            Apply(store, KvOperation.Put, key, $"v-{key}");
        }

        Apply(store, KvOperation.Delete, "user/2", string.Empty);
        Assert.Null(store.Read("user/2"));
        Assert.Equal(["user/1", "user/3"], store.Scan("user/", 10).Select(e => e.Key));
        Assert.Equal(["other"], store.Scan(string.Empty, 1).Select(e => e.Key));
        Assert.Equal("v-user/3", store.Scan("user/3", 10).Single().Value);
    }

    [Fact]
    public void ARetriedCompareAndSwap_GetsItsFirstReply_AlsoAfterASnapshot()
    {
        var store = new KeyValueStore(new KvLimits());
        var command = new KvCommand(KvOperation.CompareAndSwap, "k", "a", _client, 1, Expected: "");
        Assert.True(store.Apply(command).Swapped);
        Apply(store, KvOperation.Put, "k", "changed by another");

        var restored = new KeyValueStore(new KvLimits());
        restored.Restore(store.Snapshot());
        Assert.True(restored.Apply(command).Swapped); // the first reply, not a second attempt against "changed by another"
    }

    [Fact]
    public void ACapturedSnapshot_HoldsTheStateOfItsCapture_WhatEverIsAppliedBeforeItIsSerialized()
    {
        var store = new KeyValueStore(new KvLimits());
        Apply(store, KvOperation.Put, "appended", "a");
        Apply(store, KvOperation.Put, "replaced", "old");
        Apply(store, KvOperation.Put, "deleted", "here");

        var serialize = store.CaptureSnapshot();
        Apply(store, KvOperation.Append, "appended", "b");
        Apply(store, KvOperation.Append, "appended", "c");
        Apply(store, KvOperation.Put, "replaced", "new");
        Apply(store, KvOperation.Delete, "deleted", "");
        Apply(store, KvOperation.Put, "added", "later");
        var restored = new KeyValueStore(new KvLimits());
        restored.Restore(serialize());

        Assert.Equal(("a", "old", "here", null), (restored.Read("appended"), restored.Read("replaced"), restored.Read("deleted"), restored.Read("added")));
        Assert.Equal(("abc", "new", null, "later"), (store.Read("appended"), store.Read("replaced"), store.Read("deleted"), store.Read("added")));
        Apply(store, KvOperation.Append, "appended", "d");
        Assert.Equal("abcd", store.Read("appended"));
        Assert.Throws<InvalidOperationException>(() => serialize());
    }

    [Fact]
    public void CommandsAndRepliesOfTheFirstFormat_StillDecode()
    {
        // Version 1: version, operation, client, sequence, key, value; a reply: value, has-error.
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)1);
            writer.Write((byte)KvOperation.Append);
            writer.Write(_client.ToByteArray());
            writer.Write(7L);
            writer.Write("k");
            writer.Write("v");
        }

        Assert.Equal(new KvCommand(KvOperation.Append, "k", "v", _client, 7), KvCommand.Decode(buffer.ToArray()));
        Assert.Equal(KvReply.Ok("x"), KvReply.Decode([1, (byte)'x', 0]));
    }

    [Fact]
    public void Append_IsLimitedByTheValueItWouldProduce()
    {
        var store = new KeyValueStore(new KvLimits(MaxValueLength: 10));
        Apply(store, KvOperation.Put, "k", "123456");
        var refused = Apply(store, KvOperation.Append, "k", "78901");
        Assert.Contains("would be 11 characters long", refused.Error, StringComparison.Ordinal);
        Assert.Equal("123456", store.Read("k"));
    }

    [Fact]
    public void GetAndScan_AreQueriesOfTheAppliedState_NeverLogCommands()
    {
        var store = new KeyValueStore(new KvLimits(MaxScanLimit: 5));
        Apply(store, KvOperation.Put, "k", "v");

        Assert.Equal("v", store.Query(Read(KvOperation.Get, "k")).Value);
        Assert.Equal(string.Empty, store.Query(Read(KvOperation.Get, "missing")).Value);
        Assert.Equal(["k"], store.Query(Read(KvOperation.Scan, string.Empty, limit: 5)).Entries!.Select(e => e.Key));
        Assert.Contains("1 to 5 keys", store.Query(Read(KvOperation.Scan, string.Empty, limit: 6)).Error, StringComparison.Ordinal);
        Assert.Contains("Only Get and Scan", store.Query(Read(KvOperation.Put, "k")).Error, StringComparison.Ordinal);
        Assert.Contains("is a query", Apply(store, KvOperation.Get, "k", string.Empty).Error, StringComparison.Ordinal);
    }

    private KvCommand Read(KvOperation operation, string key, int limit = 0) => new(operation, key, string.Empty, _client, 0, Limit: limit);

    private KvReply Apply(KeyValueStore store, KvOperation operation, string key, string value, string? expected = null) =>
        store.Apply(new KvCommand(operation, key, value, _client, ++_sequence, expected));
}
