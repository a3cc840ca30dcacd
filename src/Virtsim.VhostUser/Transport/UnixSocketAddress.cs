using System.Text;

namespace Virtsim.VhostUser.Transport;

/// <summary>Builds a struct sockaddr_un for a filesystem path.</summary>
internal static class UnixSocketAddress
{
    /// <summary>sizeof(struct sockaddr_un).</summary>
    public const int Size = 110;

    /// <summary>The encoded address.</summary>
    /// <exception cref="ArgumentException">The path is empty or longer than 107 bytes.</exception>
    public static byte[] Encode(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length == 0 || bytes.Length > 107) throw new ArgumentException($"socket path must be 1..107 bytes: '{path}'", nameof(path));
        var address = new byte[Size];
        address[0] = 1; // AF_UNIX, little endian u16
        bytes.CopyTo(address, 2);
        return address;
    }
}
