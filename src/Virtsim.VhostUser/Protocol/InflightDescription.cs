using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// The GET_INFLIGHT_FD / SET_INFLIGHT_FD payload: mmap_size u64, mmap_offset u64, num_queues u16, queue_size u16,
/// padded to 24 bytes as the C structure is. In GET_INFLIGHT_FD the front-end fills only the queue count and size
/// and the back-end's reply carries all four with the fd; SET_INFLIGHT_FD hands the same region back.
/// </summary>
/// <param name="MmapSize">Bytes of the shared region.</param>
/// <param name="MmapOffset">Where the region starts in the attached fd.</param>
/// <param name="NumQueues">Rings the region tracks, one area each.</param>
/// <param name="QueueSize">Descriptors per ring.</param>
public readonly record struct InflightDescription(ulong MmapSize, ulong MmapOffset, ushort NumQueues, ushort QueueSize)
{
    /// <summary>Encoded size (the C structure with its tail padding).</summary>
    public const int EncodedSize = 24;

    /// <summary>Size without the tail padding (tolerated on receive).</summary>
    public const int PackedSize = 20;

    /// <summary>Largest queue size a region may describe.</summary>
    public const ushort MaxQueueSize = 32768;

    /// <summary>
    /// Decodes and checks the queue count and size (both 1.., the size at most <see cref="MaxQueueSize"/>); for
    /// SET_INFLIGHT_FD also that the region is non-empty and does not wrap.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">Wrong size or values out of range.</exception>
    public static InflightDescription Parse(VhostUserRequest request, ReadOnlySpan<byte> p)
    {
        if (p.Length is not (EncodedSize or PackedSize))
            throw new VhostUserProtocolException(request, $"inflight description is {p.Length} bytes, not {EncodedSize}");
        var d = new InflightDescription(BinaryPrimitives.ReadUInt64LittleEndian(p), BinaryPrimitives.ReadUInt64LittleEndian(p[8..]),
            BinaryPrimitives.ReadUInt16LittleEndian(p[16..]), BinaryPrimitives.ReadUInt16LittleEndian(p[18..]));
        if (d.NumQueues == 0) throw new VhostUserProtocolException(request, "inflight description has 0 queues");
        if (d.QueueSize == 0 || d.QueueSize > MaxQueueSize)
            throw new VhostUserProtocolException(request, $"inflight queue size {d.QueueSize} is outside 1..{MaxQueueSize}");
        if (request == VhostUserRequest.SetInflightFd)
        {
            if (d.MmapSize == 0) throw new VhostUserProtocolException(request, "inflight region size is 0");
            if (d.MmapOffset + d.MmapSize < d.MmapSize)
                throw new VhostUserProtocolException(request, $"inflight region of 0x{d.MmapSize:x} bytes at 0x{d.MmapOffset:x} wraps");
        }
        return d;
    }

    /// <summary>Encodes into a new 24-byte array.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[EncodedSize];
        BinaryPrimitives.WriteUInt64LittleEndian(b, MmapSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(8), MmapOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), NumQueues);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(18), QueueSize);
        return b;
    }
}
