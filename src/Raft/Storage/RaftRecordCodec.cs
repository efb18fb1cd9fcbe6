using System.Buffers.Binary;
using System.Text;
using RaftOrleans.Grains.Interfaces.Raft;
using RaftOrleans.Raft.Core;

namespace RaftOrleans.Raft.Storage;

/// <summary>
/// The stores' own byte layouts, versioned and independent of any serializer's evolution: a log entry as
/// term, kind and command (its index is the record's key), and a group as name, peers and state machine.
/// </summary>
public static class RaftRecordCodec
{
    private const byte GroupFormat = 1;
    private const int EntryHeader = sizeof(long) + 1;

    public static byte[] EncodeEntry(LogEntry entry)
    {
        var bytes = new byte[EntryHeader + entry.Command.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, entry.Term);
        bytes[sizeof(long)] = (byte)entry.Kind;
        entry.Command.CopyTo(bytes.AsSpan(EntryHeader));
        return bytes;
    }

    public static LogEntry DecodeEntry(long index, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < EntryHeader)
        {
            throw new FormatException($"A stored log entry at index {index} has {bytes.Length} bytes, fewer than its {EntryHeader}-byte header.");
        }

        var term = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var kind = (LogEntryKind)bytes[sizeof(long)];
        if (!Enum.IsDefined(kind))
        {
            throw new FormatException($"A stored log entry at index {index} has an unknown kind {(byte)kind}.");
        }

        return new LogEntry(index, term, bytes[EntryHeader..].ToArray(), kind);
    }

    public static byte[] EncodeGroup(RaftGroupConfig group)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(GroupFormat);
            writer.Write(group.Name);
            writer.Write(group.PeerIds.Count);
            foreach (var peer in group.PeerIds)
            {
                writer.Write(peer);
            }

            writer.Write(group.StateMachine);
        }

        return buffer.ToArray();
    }

    public static RaftGroupConfig DecodeGroup(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            var format = reader.ReadByte();
            if (format != GroupFormat)
            {
                throw new FormatException($"Unknown stored group format {format}.");
            }

            var name = reader.ReadString();
            var peers = new string[reader.ReadInt32()];
            for (var i = 0; i < peers.Length; i++)
            {
                peers[i] = reader.ReadString();
            }

            return new RaftGroupConfig(name, peers, reader.ReadString());
        }
        catch (EndOfStreamException exception)
        {
            throw new FormatException("A stored group record is truncated.", exception);
        }
    }
}
