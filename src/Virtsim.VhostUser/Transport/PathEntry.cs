using Virtsim.VhostUser.Native;

namespace Virtsim.VhostUser.Transport;

/// <summary>
/// What a filesystem path names, as statx(2) sees it without following a symbolic link: nothing, a unix socket
/// or something else, and which file it is (device and inode), so a server can tell its own socket file from one
/// that took its place.
/// </summary>
/// <param name="Exists">Something is at the path.</param>
/// <param name="IsSocket">It is a unix socket file.</param>
/// <param name="Device">The device the file is on (major and minor).</param>
/// <param name="Inode">The file's inode number.</param>
internal readonly record struct PathEntry(bool Exists, bool IsSocket, ulong Device, ulong Inode)
{
    private const ushort TypeMask = 0xF000; // S_IFMT
    private const ushort SocketType = 0xC000; // S_IFSOCK

    /// <summary>Looks at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The path cannot be examined (other than not existing).</exception>
    public static unsafe PathEntry Of(string path)
    {
        byte* buffer = stackalloc byte[LibC.StatxSize];
        if (LibC.statx(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_TYPE | LibC.STATX_INO, buffer) != 0)
        {
            int errno = LibC.Errno;
            if (errno == LibC.ENOENT) return default;
            throw new IOException($"cannot examine {path}: {LibC.ErrorText(errno)}");
        }
        // struct statx: stx_mode u16 at 28, stx_ino u64 at 32, stx_dev_major/minor u32 at 136/140.
        ushort mode = *(ushort*)(buffer + 28);
        ulong inode = *(ulong*)(buffer + 32);
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return new PathEntry(true, (mode & TypeMask) == SocketType, device, inode);
    }
}
