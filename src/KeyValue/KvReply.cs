using System.Text;

namespace RaftOrleans.KeyValue;

/// <summary>
/// The outcome of one command: the value read (Get; the current value after a compare-and-swap that did not swap),
/// whether a compare-and-swap swapped, the keys and values a scan found, or an error that changed nothing.
/// </summary>
public sealed record KvReply(string Value, string? Error, bool Swapped = false, IReadOnlyList<KeyValuePair<string, string>>? Entries = null)
{
    public static KvReply Ok(string value) => new(value, null);

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Value);
            writer.Write(Error is not null);
            if (Error is not null)
            {
                writer.Write(Error);
            }

            // Replies of the first format end here; the fields after it are read only when present.
            writer.Write(Swapped);
            writer.Write(Entries?.Count ?? 0);
            foreach (var (key, value) in Entries ?? [])
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        return buffer.ToArray();
    }

    public static KvReply Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var value = reader.ReadString();
        var error = reader.ReadBoolean() ? reader.ReadString() : null;
        if (reader.BaseStream.Position == reader.BaseStream.Length)
        {
            return new KvReply(value, error);
        }

        var swapped = reader.ReadBoolean();
        var entries = new KeyValuePair<string, string>[reader.ReadInt32()];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new(reader.ReadString(), reader.ReadString());
        }

        return new KvReply(value, error, swapped, entries.Length == 0 ? null : entries);
    }
}
