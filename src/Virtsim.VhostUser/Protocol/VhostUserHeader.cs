using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// The 12-byte message header: request u32, flags u32, payload size u32, in the machine's byte order (little
/// endian on every platform this runs on).
/// </summary>
/// <param name="Request">The request number.</param>
/// <param name="Flags">Version, REPLY and NEED_REPLY bits.</param>
/// <param name="Size">Payload size in bytes.</param>
public readonly record struct VhostUserHeader(VhostUserRequest Request, VhostUserHeaderFlags Flags, uint Size)
{
    /// <summary>Size of the encoded header.</summary>
    public const int EncodedSize = 12;

    /// <summary>Largest payload any request carries here (config space payload plus its 12-byte prefix, rounded up).</summary>
    public const int MaxPayloadSize = 4096;

    /// <summary>True when the front-end asked for a REPLY_ACK.</summary>
    public bool NeedsReply => (Flags & VhostUserHeaderFlags.NeedReply) != 0;

    /// <summary>
    /// Decodes a header sent by a front-end. Strict: exactly <see cref="EncodedSize"/> bytes, version 1, no REPLY
    /// bit, no reserved bit, a known request and a payload no larger than <see cref="MaxPayloadSize"/>.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The header breaks one of those rules.</exception>
    public static VhostUserHeader ParseRequest(ReadOnlySpan<byte> bytes)
    {
        var header = Decode(bytes);
        if ((header.Flags & VhostUserHeaderFlags.VersionMask) != VhostUserHeaderFlags.Version1)
            throw new VhostUserProtocolException($"header version {(uint)(header.Flags & VhostUserHeaderFlags.VersionMask)} is not 1");
        if ((header.Flags & VhostUserHeaderFlags.Reply) != 0)
            throw new VhostUserProtocolException($"request {(uint)header.Request} carries the REPLY flag");
        if (((uint)header.Flags & ~0xFu) != 0)
            throw new VhostUserProtocolException($"header flags 0x{(uint)header.Flags:x} set reserved bits");
        if (!VhostUserRequestRules.IsKnown(header.Request))
            throw new VhostUserProtocolException($"unknown request {(uint)header.Request}");
        if (header.Size > MaxPayloadSize)
            throw new VhostUserProtocolException(header.Request, $"payload size {header.Size} exceeds {MaxPayloadSize}");
        return header;
    }

    /// <summary>Decodes a reply sent by a back-end: version 1 with REPLY set, known request, bounded size.</summary>
    /// <exception cref="VhostUserProtocolException">The header is malformed.</exception>
    public static VhostUserHeader ParseReply(ReadOnlySpan<byte> bytes)
    {
        var header = Decode(bytes);
        if (header.Flags != (VhostUserHeaderFlags.Version1 | VhostUserHeaderFlags.Reply))
            throw new VhostUserProtocolException(header.Request, $"reply flags 0x{(uint)header.Flags:x} are not 0x5");
        if (header.Size > MaxPayloadSize)
            throw new VhostUserProtocolException(header.Request, $"reply payload size {header.Size} exceeds {MaxPayloadSize}");
        return header;
    }

    /// <summary>Writes the header into the first <see cref="EncodedSize"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < EncodedSize) throw new ArgumentException("destination is shorter than a header", nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Request);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Size);
    }

    private static VhostUserHeader Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != EncodedSize)
            throw new VhostUserProtocolException($"header is {bytes.Length} bytes, not {EncodedSize}");
        return new VhostUserHeader(
            (VhostUserRequest)BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (VhostUserHeaderFlags)BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
    }
}
