using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Virtsim.Virtio.Memory;

/// <summary>
/// A guest-physical address space made of non-overlapping regions. Every access is bounds-checked:
/// an address outside the regions (or a length that runs off them) makes the call return false and
/// never touches anything. Multi-byte values are little-endian, as virtio 1.x requires.
/// </summary>
/// <remarks>
/// Accesses that straddle a region or page boundary are split and copied piecewise. Scalar ring fields
/// are naturally aligned by the spec, so the <c>Acquire</c>/<c>Release</c> variants are single loads and
/// stores that a peer sharing the memory never sees half-written.
/// Not thread-safe for region changes; concurrent data access is as safe as the memory it wraps.
/// </remarks>
public sealed class GuestMemory
{
    private IGuestMemoryRegion[] _regions = [];
    private RegionEntry[] _entries = [];
    // The region the last lookup found: consecutive accesses (a ring, its descriptors, their buffers) nearly always
    // hit the same one. One reference, so a reader on another thread never sees a torn start/size/region triple.
    private RegionEntry? _lastHit;

    /// <summary>Creates an empty address space.</summary>
    public GuestMemory() { }

    /// <summary>Creates an address space holding <paramref name="regions"/>.</summary>
    public GuestMemory(params IEnumerable<IGuestMemoryRegion> regions)
    {
        foreach (var region in regions) AddRegion(region);
    }

    /// <summary>A single array-backed region of <paramref name="size"/> bytes at guest-physical 0.</summary>
    public static GuestMemory WithArray(int size) => new(new ArrayMemoryRegion(0, size));

    /// <summary>A single sparse region of <paramref name="size"/> bytes at guest-physical 0.</summary>
    public static GuestMemory WithSparse(ulong size) => new(new SparseMemoryRegion(0, size));

    /// <summary>The regions, ordered by guest address.</summary>
    public IReadOnlyList<IGuestMemoryRegion> Regions => _regions;

    /// <summary>Adds a region; throws if it overlaps an existing one or wraps past the end of the address space.</summary>
    public void AddRegion(IGuestMemoryRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (region.Size == 0 || region.GuestAddress + region.Size < region.GuestAddress)
            throw new ArgumentException($"region at 0x{region.GuestAddress:x} of size 0x{region.Size:x} is empty or wraps", nameof(region));
        foreach (var other in _regions)
        {
            if (region.GuestAddress < other.GuestAddress + other.Size && other.GuestAddress < region.GuestAddress + region.Size)
                throw new ArgumentException(
                    $"region 0x{region.GuestAddress:x}+0x{region.Size:x} overlaps 0x{other.GuestAddress:x}+0x{other.Size:x}", nameof(region));
        }
        _regions = [.. _regions.Append(region).OrderBy(r => r.GuestAddress)];
        _entries = [.. _regions.Select(r => new RegionEntry(r))];
    }

    /// <summary>Removes a region (vhost-user remaps memory this way). Returns false if it was not present.</summary>
    public bool RemoveRegion(IGuestMemoryRegion region)
    {
        if (!_regions.Contains(region)) return false;
        _regions = [.. _regions.Where(r => r != region)];
        _entries = [.. _regions.Select(r => new RegionEntry(r))];
        _lastHit = null;
        return true;
    }

    /// <summary>True when every byte of [<paramref name="address"/>, +<paramref name="length"/>) is backed.</summary>
    public bool IsMapped(ulong address, ulong length)
    {
        if (length == 0) return FindRegion(address) != null;
        if (address + length < address) return false;
        while (length > 0)
        {
            var entry = FindRegion(address);
            if (entry == null) return false;
            ulong available = entry.Start + entry.Size - address;
            if (available >= length) return true;
            address += available;
            length -= available;
        }
        return true;
    }

    /// <summary>Copies guest memory at <paramref name="address"/> into <paramref name="destination"/>.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (TryGetWholeReadSpan(address, destination.Length, out var whole))
        {
            whole.CopyTo(destination);
            return true;
        }
        if (!IsMapped(address, (ulong)destination.Length)) return false;
        while (!destination.IsEmpty)
        {
            var piece = ReadPiece(address, destination.Length);
            piece.CopyTo(destination);
            destination = destination[piece.Length..];
            address += (ulong)piece.Length;
        }
        return true;
    }

    /// <summary>Copies <paramref name="source"/> into guest memory at <paramref name="address"/>.</summary>
    public bool TryWrite(ulong address, ReadOnlySpan<byte> source)
    {
        if (TryGetWholeSpan(address, source.Length, out var whole))
        {
            source.CopyTo(whole);
            return true;
        }
        if (!IsMapped(address, (ulong)source.Length)) return false;
        while (!source.IsEmpty)
        {
            var piece = Piece(address, source.Length);
            source[..piece.Length].CopyTo(piece);
            source = source[piece.Length..];
            address += (ulong)piece.Length;
        }
        return true;
    }

    /// <summary>Fills [<paramref name="address"/>, +<paramref name="length"/>) with <paramref name="value"/>.</summary>
    public bool TryFill(ulong address, ulong length, byte value)
    {
        if (!IsMapped(address, length)) return false;
        while (length > 0)
        {
            var entry = FindRegion(address)!;
            if (value == 0)
            {
                // The region zeroes its own way: a sparse one without allocating the pages (a fresh ring area would
                // otherwise cost every page of it).
                ulong inRegion = Math.Min(length, entry.Size - (address - entry.Start));
                entry.Region.Zero(address - entry.Start, inRegion);
                length -= inRegion;
                address += inRegion;
                continue;
            }
            var piece = Piece(address, (int)Math.Min(length, int.MaxValue));
            piece.Fill(value);
            length -= (ulong)piece.Length;
            address += (ulong)piece.Length;
        }
        return true;
    }

    /// <summary>
    /// The directly addressable span at <paramref name="address"/>, at most <paramref name="maxLength"/> long
    /// (shorter at a page or region boundary); false if the address is not backed.
    /// </summary>
    public bool TryGetSpan(ulong address, int maxLength, out Span<byte> span)
    {
        var entry = FindRegion(address);
        if (entry == null || maxLength <= 0)
        {
            span = default;
            return false;
        }
        span = entry.Region.GetSpan(address - entry.Start, maxLength);
        return true;
    }

    /// <summary>Reads a byte.</summary>
    public bool TryReadU8(ulong address, out byte value)
    {
        if (TryGetReadSpan(address, 1, out var span)) { value = span[0]; return true; }
        value = 0;
        return false;
    }

    /// <summary>Writes a byte.</summary>
    public bool TryWriteU8(ulong address, byte value)
    {
        if (!TryGetSpan(address, 1, out var span)) return false;
        span[0] = value;
        return true;
    }

    /// <summary>Reads a little-endian u16.</summary>
    public bool TryReadU16(ulong address, out ushort value)
    {
        if (TryGetReadSpan(address, 2, out var span) && span.Length == 2) { value = BinaryPrimitives.ReadUInt16LittleEndian(span); return true; }
        Span<byte> buffer = stackalloc byte[2]; // straddles a page or region boundary
        if (TryRead(address, buffer)) { value = BinaryPrimitives.ReadUInt16LittleEndian(buffer); return true; }
        value = 0;
        return false;
    }

    /// <summary>Reads a little-endian u32.</summary>
    public bool TryReadU32(ulong address, out uint value)
    {
        if (TryGetReadSpan(address, 4, out var span) && span.Length == 4) { value = BinaryPrimitives.ReadUInt32LittleEndian(span); return true; }
        Span<byte> buffer = stackalloc byte[4]; // straddles a page or region boundary
        if (TryRead(address, buffer)) { value = BinaryPrimitives.ReadUInt32LittleEndian(buffer); return true; }
        value = 0;
        return false;
    }

    /// <summary>Reads a little-endian u64.</summary>
    public bool TryReadU64(ulong address, out ulong value)
    {
        if (TryGetReadSpan(address, 8, out var span) && span.Length == 8) { value = BinaryPrimitives.ReadUInt64LittleEndian(span); return true; }
        Span<byte> buffer = stackalloc byte[8]; // straddles a page or region boundary
        if (TryRead(address, buffer)) { value = BinaryPrimitives.ReadUInt64LittleEndian(buffer); return true; }
        value = 0;
        return false;
    }

    /// <summary>Writes a little-endian u16.</summary>
    public bool TryWriteU16(ulong address, ushort value)
    {
        if (TryGetSpan(address, 2, out var span) && span.Length == 2) { BinaryPrimitives.WriteUInt16LittleEndian(span, value); return true; }
        Span<byte> buffer = stackalloc byte[2]; // straddles a page or region boundary
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        return TryWrite(address, buffer);
    }

    /// <summary>Writes a little-endian u32.</summary>
    public bool TryWriteU32(ulong address, uint value)
    {
        if (TryGetSpan(address, 4, out var span) && span.Length == 4) { BinaryPrimitives.WriteUInt32LittleEndian(span, value); return true; }
        Span<byte> buffer = stackalloc byte[4]; // straddles a page or region boundary
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        return TryWrite(address, buffer);
    }

    /// <summary>Writes a little-endian u64.</summary>
    public bool TryWriteU64(ulong address, ulong value)
    {
        if (TryGetSpan(address, 8, out var span) && span.Length == 8) { BinaryPrimitives.WriteUInt64LittleEndian(span, value); return true; }
        Span<byte> buffer = stackalloc byte[8]; // straddles a page or region boundary
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        return TryWrite(address, buffer);
    }

    /// <summary>
    /// Reads a ring index or flags word with acquire semantics: later reads (of ring entries and descriptors)
    /// are not performed before it. One 16-bit load when the address is 2-aligned, as ring fields are.
    /// </summary>
    public bool TryReadU16Acquire(ulong address, out ushort value)
    {
        if ((address & 1) == 0 && TryGetReadSpan(address, 2, out var span) && span.Length == 2)
        {
            ushort raw = Volatile.Read(ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(span)));
            value = BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
            return true;
        }
        bool ok = TryReadU16(address, out value);
        Interlocked.MemoryBarrier();
        return ok;
    }

    /// <summary>
    /// Writes a ring index or flags word with release semantics: everything written before it (ring
    /// entries, descriptors, data) is visible first, and the value lands as ONE 16-bit store.
    /// </summary>
    public bool TryWriteU16Release(ulong address, ushort value)
    {
        if ((address & 1) == 0 && TryGetSpan(address, 2, out var span) && span.Length == 2)
        {
            ushort raw = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
            Volatile.Write(ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(span)), raw);
            return true;
        }
        Interlocked.MemoryBarrier();
        return TryWriteU16(address, value);
    }

    /// <summary>
    /// Hints the CPU to start loading the cache line at <paramref name="address"/>, so a later access does not wait
    /// for it. Only for memory mapped from elsewhere (<see cref="ExternalMemoryRegion"/>: shared with a peer that
    /// writes it from another core) and only on x86; elsewhere, or for an unmapped address, it does nothing. A hint
    /// never faults, reads nothing and changes nothing.
    /// </summary>
    public unsafe void Prefetch(ulong address)
    {
        if (!Sse.IsSupported) return;
        var entry = FindRegion(address);
        if (entry == null || entry.Host == 0) return;
        Sse.Prefetch0((byte*)entry.Host + (address - entry.Start));
    }

    // A read's span: a region that watches writes does not count it (see IGuestMemoryRegion.GetReadSpan).
    private bool TryGetReadSpan(ulong address, int maxLength, out ReadOnlySpan<byte> span)
    {
        var entry = FindRegion(address);
        if (entry == null || maxLength <= 0)
        {
            span = default;
            return false;
        }
        span = entry.Region.GetReadSpan(address - entry.Start, maxLength);
        return true;
    }

    private ReadOnlySpan<byte> ReadPiece(ulong address, int maxLength)
    {
        var entry = FindRegion(address)!;
        return entry.Region.GetReadSpan(address - entry.Start, maxLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetWholeReadSpan(ulong address, int length, out ReadOnlySpan<byte> span)
    {
        var entry = FindRegion(address);
        if (entry != null && length > 0)
        {
            ulong offset = address - entry.Start;
            if ((ulong)length <= entry.Size - offset)
            {
                span = entry.Region.GetReadSpan(offset, length);
                if (span.Length == length) return true;
            }
        }
        span = default;
        return false;
    }

    private Span<byte> Piece(ulong address, int maxLength)
    {
        var entry = FindRegion(address)!;
        return entry.Region.GetSpan(address - entry.Start, maxLength);
    }

    // The fast path of every copy: the whole [address, +length) lies in one region that hands it out as one span
    // (always so for array and external regions; a sparse region stops at page boundaries and takes the slow path).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetWholeSpan(ulong address, int length, out Span<byte> span)
    {
        var entry = FindRegion(address);
        if (entry != null && length > 0)
        {
            ulong offset = address - entry.Start;
            if ((ulong)length <= entry.Size - offset)
            {
                span = entry.Region.GetSpan(offset, length);
                if (span.Length == length) return true;
            }
        }
        span = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RegionEntry? FindRegion(ulong address)
    {
        var last = _lastHit;
        if (last != null && address - last.Start < last.Size) return last;
        return FindRegionSlow(address);
    }

    private RegionEntry? FindRegionSlow(ulong address)
    {
        foreach (var entry in _entries)
        {
            if (address - entry.Start < entry.Size)
            {
                _lastHit = entry;
                return entry;
            }
        }
        return null;
    }

    // A region with its bounds copied into fields, so the lookup reads two fields instead of two interface properties.
    private sealed class RegionEntry(IGuestMemoryRegion region)
    {
        public readonly IGuestMemoryRegion Region = region;
        public readonly ulong Start = region.GuestAddress;
        public readonly ulong Size = region.Size;
        public readonly nint Host = region is ExternalMemoryRegion external ? external.HostAddress : 0; // 0: no prefetch
    }
}
