using System.Text;

namespace RaftOrleans.Raft.Core;

/// <summary>
/// The bytes of a <see cref="Membership"/>: the command of a <see cref="LogEntryKind.Configuration"/> entry, and what
/// stores keep beside a snapshot. Its own versioned layout, so that stored logs outlive any serializer's changes.
/// </summary>
public static class MembershipCodec
{
    private const byte Format = 1;

    public static byte[] Encode(Membership membership)
    {
        ArgumentNullException.ThrowIfNull(membership);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Format);
            Write(writer, membership.Voters);
            Write(writer, membership.Outgoing);
            Write(writer, membership.Learners);
            writer.Write(membership.Target is not null);
            if (membership.Target is { } target)
            {
                Write(writer, target);
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not an encoded membership.</exception>
    public static Membership Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            var format = reader.ReadByte();
            if (format != Format)
            {
                throw new FormatException($"Unknown membership format {format}.");
            }

            var voters = Read(reader);
            var outgoing = Read(reader);
            var learners = Read(reader);
            var target = reader.ReadBoolean() ? Read(reader) : null;
            return new Membership(voters, outgoing, learners, target);
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException("An encoded membership is truncated.", exception);
        }
    }

    private static void Write(BinaryWriter writer, string[] peers)
    {
        writer.Write(peers.Length);
        foreach (var peer in peers)
        {
            writer.Write(peer);
        }
    }

    private static string[] Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count < 0 || count > 10_000)
        {
            throw new FormatException($"An encoded membership claims {count} peers.");
        }

        var peers = new string[count];
        for (var i = 0; i < count; i++)
        {
            peers[i] = reader.ReadString();
        }

        return peers;
    }
}
