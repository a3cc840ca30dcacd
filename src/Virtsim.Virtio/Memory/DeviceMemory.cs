using System.Buffers.Binary;

namespace Virtsim.Virtio.Memory;

/// <summary>
/// A device's view of guest memory: every access goes through the IOMMU domain (when the device sits
/// behind one, i.e. ACCESS_PLATFORM), marks the dirty log on writes, and is counted as one transaction
/// of its <see cref="MemoryAccessKind"/>. On failure the call returns false and <see cref="LastFault"/>
/// says why; nothing outside the regions is ever touched.
/// </summary>
/// <remarks>One instance per device-side queue: the counters and <see cref="LastFault"/> are not shared.</remarks>
public sealed class DeviceMemory
{
    /// <summary>Creates a view of <paramref name="memory"/>.</summary>
    /// <param name="memory">The guest's address space.</param>
    /// <param name="domain">The IOMMU domain addresses are translated through, or null for direct guest-physical access.</param>
    /// <param name="dirtyLog">The dirty-page log every write marks, or null when not logging.</param>
    /// <param name="counters">Where transactions are counted; a fresh set when null.</param>
    public DeviceMemory(GuestMemory memory, IommuDomain? domain = null, DirtyLog? dirtyLog = null, TransactionCounters? counters = null)
    {
        Memory = memory ?? throw new ArgumentNullException(nameof(memory));
        Domain = domain;
        DirtyLog = dirtyLog;
        Counters = counters ?? new TransactionCounters();
    }

    /// <summary>The guest's address space.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The IOMMU domain, or null for direct access.</summary>
    public IommuDomain? Domain { get; set; }

    /// <summary>The dirty log, or null. Set while a migration is tracking dirty pages.</summary>
    public DirtyLog? DirtyLog { get; set; }

    /// <summary>Transaction counts.</summary>
    public TransactionCounters Counters { get; }

    /// <summary>The most recent fault (valid after a call returned false).</summary>
    public MemoryFault LastFault { get; private set; }

    /// <summary>A view with the same memory, domain and log but its own counters (for another queue).</summary>
    public DeviceMemory Fork() => new(Memory, Domain, DirtyLog);

    /// <summary>Reads <paramref name="destination"/>.Length bytes at device address <paramref name="address"/>.</summary>
    public bool TryRead(ulong address, Span<byte> destination, MemoryAccessKind kind)
    {
        Counters.CountRead(kind, destination.Length);
        if (Domain == null)
            return Memory.TryRead(address, destination) || Fault(MemoryFaultKind.OutOfRange, address, (ulong)destination.Length, kind, false);
        while (!destination.IsEmpty)
        {
            if (!Translate(address, (ulong)destination.Length, kind, false, out ulong gpa, out int run)) return false;
            if (!Memory.TryRead(gpa, destination[..run])) return Fault(MemoryFaultKind.OutOfRange, gpa, (ulong)run, kind, false);
            destination = destination[run..];
            address += (ulong)run;
        }
        return true;
    }

    /// <summary>Writes <paramref name="source"/> at device address <paramref name="address"/>, marking the dirty log.</summary>
    public bool TryWrite(ulong address, ReadOnlySpan<byte> source, MemoryAccessKind kind)
    {
        Counters.CountWrite(kind, source.Length);
        if (Domain == null)
        {
            if (!Memory.TryWrite(address, source)) return Fault(MemoryFaultKind.OutOfRange, address, (ulong)source.Length, kind, true);
            DirtyLog?.Mark(address, (ulong)source.Length);
            return true;
        }
        while (!source.IsEmpty)
        {
            if (!Translate(address, (ulong)source.Length, kind, true, out ulong gpa, out int run)) return false;
            if (!Memory.TryWrite(gpa, source[..run])) return Fault(MemoryFaultKind.OutOfRange, gpa, (ulong)run, kind, true);
            DirtyLog?.Mark(gpa, (ulong)run);
            source = source[run..];
            address += (ulong)run;
        }
        return true;
    }

    /// <summary>Fills <paramref name="length"/> bytes at <paramref name="address"/> with zero (write-zeroes, discard).</summary>
    public bool TryZero(ulong address, ulong length, MemoryAccessKind kind)
    {
        Counters.CountWrite(kind, (int)Math.Min(length, int.MaxValue));
        while (length > 0)
        {
            ulong gpa = address;
            ulong run = length;
            if (Domain != null)
            {
                if (!Translate(address, length, kind, true, out gpa, out int translated)) return false;
                run = (ulong)translated;
            }
            if (!Memory.TryFill(gpa, run, 0)) return Fault(MemoryFaultKind.OutOfRange, gpa, run, kind, true);
            DirtyLog?.Mark(gpa, run);
            length -= run;
            address += run;
        }
        return true;
    }

    /// <summary>
    /// Hints that <paramref name="address"/> will be read soon (see <see cref="GuestMemory.Prefetch"/>). Not counted
    /// as a transaction; nothing behind an IOMMU (a hint is not worth a translation).
    /// </summary>
    public void Prefetch(ulong address)
    {
        if (Domain == null) Memory.Prefetch(address);
    }

    /// <summary>Reads a u16 ring field with acquire semantics (see <see cref="GuestMemory.TryReadU16Acquire"/>).</summary>
    public bool TryReadU16Acquire(ulong address, MemoryAccessKind kind, out ushort value)
    {
        Counters.CountRead(kind, 2);
        value = 0;
        if (!Resolve(address, 2, kind, false, out ulong gpa)) return false;
        return Memory.TryReadU16Acquire(gpa, out value) || Fault(MemoryFaultKind.OutOfRange, gpa, 2, kind, false);
    }

    /// <summary>Writes a u16 ring field as one release store (see <see cref="GuestMemory.TryWriteU16Release"/>).</summary>
    public bool TryWriteU16Release(ulong address, ushort value, MemoryAccessKind kind)
    {
        Counters.CountWrite(kind, 2);
        if (!Resolve(address, 2, kind, true, out ulong gpa)) return false;
        if (!Memory.TryWriteU16Release(gpa, value)) return Fault(MemoryFaultKind.OutOfRange, gpa, 2, kind, true);
        DirtyLog?.Mark(gpa, 2);
        return true;
    }

    /// <summary>Reads a little-endian u16.</summary>
    public bool TryReadU16(ulong address, MemoryAccessKind kind, out ushort value)
    {
        if (Domain == null && Memory.TryReadU16(address, out value))
        {
            Counters.CountRead(kind, 2);
            return true;
        }
        Span<byte> b = stackalloc byte[2];
        bool ok = TryRead(address, b, kind);
        value = BinaryPrimitives.ReadUInt16LittleEndian(b);
        return ok;
    }

    /// <summary>Reads a little-endian u32.</summary>
    public bool TryReadU32(ulong address, MemoryAccessKind kind, out uint value)
    {
        if (Domain == null && Memory.TryReadU32(address, out value))
        {
            Counters.CountRead(kind, 4);
            return true;
        }
        Span<byte> b = stackalloc byte[4];
        bool ok = TryRead(address, b, kind);
        value = BinaryPrimitives.ReadUInt32LittleEndian(b);
        return ok;
    }

    /// <summary>Writes a little-endian u16.</summary>
    public bool TryWriteU16(ulong address, ushort value, MemoryAccessKind kind)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return TryWrite(address, b, kind);
    }

    /// <summary>Writes a little-endian u32.</summary>
    public bool TryWriteU32(ulong address, uint value, MemoryAccessKind kind)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return TryWrite(address, b, kind);
    }

    /// <summary>
    /// Checks, without touching memory or counting a transaction, that the device may access
    /// [<paramref name="address"/>, +<paramref name="length"/>) in the given direction: it must not wrap the
    /// address space, must translate through the IOMMU domain (if any) with the right permission, and must be
    /// backed by guest memory. Empty ranges always pass (they are never accessed).
    /// </summary>
    public MemoryFaultKind CheckAccess(ulong address, ulong length, bool write)
    {
        if (length == 0) return MemoryFaultKind.None;
        if (address + length < address) return MemoryFaultKind.OutOfRange;
        if (Domain == null) return Memory.IsMapped(address, length) ? MemoryFaultKind.None : MemoryFaultKind.OutOfRange;
        var needed = write ? IommuPermissions.Write : IommuPermissions.Read;
        while (length > 0)
        {
            var result = Domain.Translate(address, needed, out ulong gpa, out ulong contiguous);
            if (result == IommuResult.NoMapping) return MemoryFaultKind.IommuNoMapping;
            if (result != IommuResult.Ok) return MemoryFaultKind.IommuPermission;
            ulong run = Math.Min(length, contiguous);
            if (!Memory.IsMapped(gpa, run)) return MemoryFaultKind.OutOfRange;
            address += run;
            length -= run;
        }
        return MemoryFaultKind.None;
    }

    // Translates a small naturally aligned field that must not straddle a mapping.
    private bool Resolve(ulong address, int length, MemoryAccessKind kind, bool write, out ulong gpa)
    {
        if (Domain == null) { gpa = address; return true; }
        if (!Translate(address, (ulong)length, kind, write, out gpa, out int run)) return false;
        return run == length || Fault(MemoryFaultKind.IommuNoMapping, address + (ulong)run, (ulong)(length - run), kind, write);
    }

    private bool Translate(ulong address, ulong wanted, MemoryAccessKind kind, bool write, out ulong gpa, out int run)
    {
        var result = Domain!.Translate(address, write ? IommuPermissions.Write : IommuPermissions.Read, out gpa, out ulong contiguous);
        run = (int)Math.Min(Math.Min(wanted, contiguous), int.MaxValue);
        return result switch
        {
            IommuResult.Ok => true,
            IommuResult.NoMapping => Fault(MemoryFaultKind.IommuNoMapping, address, wanted, kind, write),
            _ => Fault(MemoryFaultKind.IommuPermission, address, wanted, kind, write),
        };
    }

    private bool Fault(MemoryFaultKind fault, ulong address, ulong length, MemoryAccessKind kind, bool write)
    {
        LastFault = new MemoryFault(fault, address, length, kind, write);
        return false;
    }
}
