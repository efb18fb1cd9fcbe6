using System.Text;

namespace RaftOrleans.KeyValue;

/// <summary>
/// One client request as it goes through the Raft log. <see cref="ClientId"/> and <see cref="Sequence"/>
/// identify it, so that a retried request is applied once (the store remembers each client's last reply).
/// </summary>
public sealed record KvCommand(KvOperation Operation, string Key, string Value, Guid ClientId, long Sequence)
{
    private const byte FormatVersion = 1;

    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write((byte)Operation);
            writer.Write(ClientId.ToByteArray());
            writer.Write(Sequence);
            writer.Write(Key);
            writer.Write(Value);
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a command of this format.</exception>
    public static KvCommand Decode(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            var version = reader.ReadByte();
            if (version != FormatVersion)
            {
                throw new FormatException($"Unknown key/value command format {version}.");
            }

            var operation = (KvOperation)reader.ReadByte();
            var client = new Guid(reader.ReadBytes(16));
            var sequence = reader.ReadInt64();
            return new KvCommand(operation, reader.ReadString(), reader.ReadString(), client, sequence);
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException("Truncated key/value command.", exception);
        }
    }
}
