using System.Runtime.InteropServices;

namespace RaftOrleans.MapReduce.Execution;

/// <summary>
/// What kind of file system object a path names, following symbolic links. A map task reads its input from any
/// silo, by offset, and again when it runs again: only a regular file can be read that way, and opening a FIFO to
/// find out would block until a writer comes.
/// </summary>
public static partial class InputFileKind
{
    private const int AtCurrentDirectory = -100;

    private const uint StatxType = 0x1;

    /// <summary>stx_mode's offset in struct statx, the same on every Linux architecture.</summary>
    private const int ModeOffset = 28;

    private const int StatxSize = 256;

    /// <summary>A word for what the path names ("a FIFO", "a character device", ...), or null for a regular file or when the kind cannot be told.</summary>
    public static string? NotRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[StatxSize];
        if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
        {
            return null;
        }

        var mode = BitConverter.ToUInt16(buffer, ModeOffset);
        return (mode & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
