using System.Buffers.Binary;

namespace Virtsim.VhostUser.Protocol;

/// <summary>
/// The SET_MEM_TABLE payload: u32 region count, u32 padding, then that many regions, one fd per region.
/// <see cref="Parse"/> validates it completely: count 1..8 matching the fds and the size, no empty or wrapping
/// region, no overlap in guest-physical or in user address space.
/// </summary>
public sealed class MemoryTable
{
    /// <summary>Creates a table from regions (not validated; <see cref="Parse"/> validates).</summary>
    public MemoryTable(IReadOnlyList<MemoryRegionDescription> regions) => Regions = regions;

    /// <summary>The regions in message order (fd i belongs to region i).</summary>
    public IReadOnlyList<MemoryRegionDescription> Regions { get; }

    /// <summary>Checks the payload size against the region count and the fd count.</summary>
    /// <exception cref="VhostUserProtocolException">Sizes disagree or the count is out of range.</exception>
    public static void CheckSize(ReadOnlySpan<byte> payload, int fdCount)
    {
        const VhostUserRequest r = VhostUserRequest.SetMemTable;
        if (payload.Length < 8) throw new VhostUserProtocolException(r, $"payload is {payload.Length} bytes, shorter than the 8-byte count");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        if (count == 0 || count > VhostUserRequestRules.MaxMemoryRegions)
            throw new VhostUserProtocolException(r, $"{count} regions, expected 1..{VhostUserRequestRules.MaxMemoryRegions}");
        // QEMU sends only the regions in use; some front-ends send the whole 8-slot array.
        int exact = 8 + (int)count * MemoryRegionDescription.EncodedSize;
        int full = 8 + VhostUserRequestRules.MaxMemoryRegions * MemoryRegionDescription.EncodedSize;
        if (payload.Length != exact && payload.Length != full)
            throw new VhostUserProtocolException(r, $"payload is {payload.Length} bytes for {count} regions (expected {exact})");
        if (fdCount != count)
            throw new VhostUserProtocolException(r, $"{count} regions but {fdCount} file descriptors");
    }

    /// <summary>Decodes and validates a SET_MEM_TABLE payload that came with <paramref name="fdCount"/> descriptors.</summary>
    /// <exception cref="VhostUserProtocolException">The table is malformed.</exception>
    public static MemoryTable Parse(ReadOnlySpan<byte> payload, int fdCount)
    {
        CheckSize(payload, fdCount);
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var regions = new MemoryRegionDescription[count];
        for (int i = 0; i < count; i++)
            regions[i] = MemoryRegionDescription.Parse(payload.Slice(8 + i * MemoryRegionDescription.EncodedSize, MemoryRegionDescription.EncodedSize));
        Validate(regions);
        return new MemoryTable(regions);
    }

    /// <summary>Checks that every region is non-empty, does not wrap, and overlaps no other one (guest or user side).</summary>
    /// <exception cref="VhostUserProtocolException">A region breaks a rule.</exception>
    public static void Validate(IReadOnlyList<MemoryRegionDescription> regions)
    {
        const VhostUserRequest r = VhostUserRequest.SetMemTable;
        for (int i = 0; i < regions.Count; i++)
        {
            var a = regions[i];
            if (a.Size == 0) throw new VhostUserProtocolException(r, $"region {i} is empty");
            if (a.GuestAddress + a.Size < a.GuestAddress)
                throw new VhostUserProtocolException(r, $"region {i} wraps the guest address space");
            if (a.UserAddress + a.Size < a.UserAddress)
                throw new VhostUserProtocolException(r, $"region {i} wraps the user address space");
            if (a.MmapOffset + a.Size < a.MmapOffset)
                throw new VhostUserProtocolException(r, $"region {i} mmap offset 0x{a.MmapOffset:x} plus size wraps");
            if (a.Size > long.MaxValue)
                throw new VhostUserProtocolException(r, $"region {i} size 0x{a.Size:x} is too large to map");
            for (int j = 0; j < i; j++)
            {
                var b = regions[j];
                if (a.GuestAddress < b.GuestAddress + b.Size && b.GuestAddress < a.GuestAddress + a.Size)
                    throw new VhostUserProtocolException(r, $"regions {j} and {i} overlap in guest-physical space");
                if (a.UserAddress < b.UserAddress + b.Size && b.UserAddress < a.UserAddress + a.Size)
                    throw new VhostUserProtocolException(r, $"regions {j} and {i} overlap in user space");
            }
        }
    }

    /// <summary>Encodes the table (count, padding, regions).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[8 + Regions.Count * MemoryRegionDescription.EncodedSize];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)Regions.Count);
        for (int i = 0; i < Regions.Count; i++)
            Regions[i].Write(bytes.AsSpan(8 + i * MemoryRegionDescription.EncodedSize));
        return bytes;
    }
}
