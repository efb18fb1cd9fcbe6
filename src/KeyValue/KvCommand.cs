using System.Text;

namespace RaftOrleans.KeyValue;

/// <summary>
/// One client request as it goes through the Raft log (or, for reads, as a query). <see cref="ClientId"/> and
/// <see cref="Sequence"/> identify it, so that a retried request is applied once (the store remembers each client's
/// last reply).
/// </summary>
/// <param name="Expected">Compare-and-swap: the value the key must hold for <see cref="Value"/> to replace it.</param>
/// <param name="Limit">Scan: the most keys to return.</param>
public sealed record KvCommand(KvOperation Operation, string Key, string Value, Guid ClientId, long Sequence, string? Expected = null, int Limit = 0)
{
    /// <summary>Version 1 had no <see cref="Expected"/> nor <see cref="Limit"/>; logs written with it still decode.</summary>
    private const byte FormatVersion = 2;

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
            writer.Write(Expected is not null);
            if (Expected is not null)
            {
                writer.Write(Expected);
            }

            writer.Write(Limit);
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
            if (version is not (1 or FormatVersion))
            {
                throw new FormatException($"Unknown key/value command format {version}.");
            }

            var operation = (KvOperation)reader.ReadByte();
            var client = new Guid(reader.ReadBytes(16));
            var sequence = reader.ReadInt64();
            var key = reader.ReadString();
            var value = reader.ReadString();
            if (version == 1)
            {
                return new KvCommand(operation, key, value, client, sequence);
            }

            var expected = reader.ReadBoolean() ? reader.ReadString() : null;
            return new KvCommand(operation, key, value, client, sequence, expected, reader.ReadInt32());
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException("Truncated key/value command.", exception);
        }
    }
}
