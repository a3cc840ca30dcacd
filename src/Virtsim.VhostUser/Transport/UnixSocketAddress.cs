using System.Text;

namespace Virtsim.VhostUser.Transport;

/// <summary>Builds a struct sockaddr_un for a filesystem path.</summary>
internal static class UnixSocketAddress
{
    /// <summary>sizeof(struct sockaddr_un).</summary>
    public const int Size = 110;

    /// <summary>Longest path in bytes: sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaxPathBytes = 107;

    /// <summary>Why <paramref name="path"/> cannot be a socket address, or null when it can.</summary>
    public static string? Check(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "the socket path is empty";
        if (path.Contains('\0')) return "the socket path contains a NUL character";
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxPathBytes) return $"the socket path is {bytes} bytes long; a unix socket path has at most {MaxPathBytes} (sun_path): '{path}'";
        return null;
    }

    /// <summary>The encoded address.</summary>
    /// <exception cref="ArgumentException">The path is empty, holds a NUL or is longer than <see cref="MaxPathBytes"/> bytes.</exception>
    public static byte[] Encode(string path)
    {
        if (Check(path) is { } reason) throw new ArgumentException(reason, nameof(path));
        var address = new byte[Size];
        address[0] = 1; // AF_UNIX, little endian u16
        Encoding.UTF8.GetBytes(path, address.AsSpan(2));
        return address;
    }
}
