using System.Buffers.Binary;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// A journaled backend event: a request that changes the disk (write, discard, write-zeroes, flush), kept as the
/// bytes the backend served, so replaying it through the core's blk device rebuilds exactly the same disk state.
/// </summary>
/// <param name="FeaturesLow">Negotiated features, bits 0-63 (the core device's behaviour depends on them).</param>
/// <param name="FeaturesHigh">Negotiated features, bits 64-127.</param>
/// <param name="Writeback">The write cache mode the driver had configured.</param>
/// <param name="WritableLength">Bytes the request could write back (the status byte).</param>
/// <param name="Readable">The request: header and data.</param>
public sealed record DiskChange(ulong FeaturesLow, ulong FeaturesHigh, bool Writeback, uint WritableLength, byte[] Readable)
{
    /// <summary>The change a request would make, or null when it changes nothing (read, GET_ID, malformed).</summary>
    public static DiskChange? Of(BackendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Readable.Length < 16) return null;
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(request.Readable);
        if (type is not (BlkRequestType.Out or BlkRequestType.Discard or BlkRequestType.WriteZeroes or BlkRequestType.Flush)) return null;
        return new DiskChange(request.FeaturesLow, request.FeaturesHigh, request.Writeback, request.WritableLength, request.Readable);
    }

    /// <summary>The request to serve again when replaying (tag and queue do not matter).</summary>
    public BackendRequest ToRequest() => new(0, 0, FeaturesLow, FeaturesHigh, Writeback, WritableLength, Readable);

    /// <summary>Adds every sector this change may touch to <paramref name="sectors"/> (what a disk snapshot must keep).</summary>
    public void AddTouchedSectors(HashSet<ulong> sectors, ulong sectorCount)
    {
        ArgumentNullException.ThrowIfNull(sectors);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(Readable);
        if (type == BlkRequestType.Out)
        {
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(Readable.AsSpan(8));
            AddRange(sectors, first, (ulong)(Readable.Length - 16) / 512, sectorCount);
        }
        else if (type is BlkRequestType.Discard or BlkRequestType.WriteZeroes)
        {
            // Segments of 16 bytes after the header: sector (u64), sector count (u32), flags (u32).
            for (int at = 16; at + 16 <= Readable.Length; at += 16)
                AddRange(sectors, BinaryPrimitives.ReadUInt64LittleEndian(Readable.AsSpan(at)),
                    BinaryPrimitives.ReadUInt32LittleEndian(Readable.AsSpan(at + 8)), sectorCount);
        }
    }

    private static void AddRange(HashSet<ulong> sectors, ulong first, ulong count, ulong sectorCount)
    {
        // Out-of-range requests fail in the core and change nothing; clamp so a bad header cannot make this loop huge.
        for (ulong s = first; s < sectorCount && s - first < count; s++) sectors.Add(s);
    }
}

/// <summary>A journaled backend event: the backend crashed, so its volatile write cache was lost at this point.</summary>
public sealed class DiskCacheLost
{
    /// <summary>The only instance.</summary>
    public static DiskCacheLost Instance { get; } = new();

    private DiskCacheLost() { }
}
