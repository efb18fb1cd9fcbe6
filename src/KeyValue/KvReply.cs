using System.Text;

namespace RaftOrleans.KeyValue;

/// <summary>The outcome of one command: the value read (Get), or an error that changed nothing.</summary>
public sealed record KvReply(string Value, string? Error)
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
        }

        return buffer.ToArray();
    }

    public static KvReply Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var value = reader.ReadString();
        return new KvReply(value, reader.ReadBoolean() ? reader.ReadString() : null);
    }
}
