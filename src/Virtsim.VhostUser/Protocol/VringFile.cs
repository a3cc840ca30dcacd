using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>The u64 payload of SET_VRING_KICK / CALL / ERR: ring index in bits 0-7, NOFD in bit 8, the rest zero.</summary>
/// <param name="Index">Ring index.</param>
/// <param name="NoFd">True when no descriptor is attached (polling).</param>
public readonly record struct VringFile(int Index, bool NoFd)
{
    /// <summary>The NOFD bit.</summary>
    public const ulong NoFdMask = 0x100;

    /// <summary>Decodes the u64 and checks it against the number of attached descriptors.</summary>
    /// <exception cref="VhostUserProtocolException">Reserved bits set, or NOFD disagrees with the descriptors.</exception>
    public static VringFile Parse(VhostUserRequest request, ReadOnlySpan<byte> payload, int fdCount)
    {
        if (payload.Length != 8) throw new VhostUserProtocolException(request, $"payload is {payload.Length} bytes, not 8");
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        if ((value & ~(NoFdMask | 0xFF)) != 0) throw new VhostUserProtocolException(request, $"reserved bits set in 0x{value:x}");
        bool noFd = (value & NoFdMask) != 0;
        if (noFd && fdCount != 0) throw new VhostUserProtocolException(request, "NOFD set but a file descriptor is attached");
        if (!noFd && fdCount != 1) throw new VhostUserProtocolException(request, "no file descriptor attached and NOFD not set");
        return new VringFile((int)(value & 0xFF), noFd);
    }

    /// <summary>The u64 value.</summary>
    public ulong ToU64() => (ulong)(uint)(Index & 0xFF) | (NoFd ? NoFdMask : 0UL);
}
