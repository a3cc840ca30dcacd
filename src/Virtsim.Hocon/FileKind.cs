using System.Runtime.InteropServices;

namespace Virtsim.Hocon;

/// <summary>
/// What kind of file system entry a path names, so a configuration reader can refuse FIFOs (opening one blocks until a
/// writer comes), devices (<c>/dev/zero</c> never ends) and sockets before it opens them. .NET 10 has no managed way
/// to tell them from regular files, so on Linux this asks <c>statx(2)</c>, whose result layout is the same on every
/// architecture; elsewhere, or when the call fails, the kind is unknown and the size limit still applies.
/// </summary>
internal static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int TypeMask = 0xF000;

    /// <summary>
    /// A description such as "a FIFO (named pipe)" when <paramref name="path"/> exists and is not a regular file;
    /// <see langword="null"/> when it is a regular file or its kind cannot be told.
    /// </summary>
    public static string? DescribeIfNotRegular(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = default(StatxBuffer);
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxType, ref buffer) != 0 || (buffer.Mask & StatxType) == 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a libc without statx (glibc before 2.28)
        }

        return (buffer.Mode & TypeMask) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => null,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, ref StatxBuffer buffer);

    /// <summary><c>struct statx</c> (256 bytes); only the fields read here are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(0)]
        public uint Mask;

        [FieldOffset(28)]
        public ushort Mode;
    }
}
