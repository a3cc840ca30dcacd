using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Memory;

namespace Virtsim.VhostUser.Frontend;

/// <summary>
/// The driver's guest memory: one memfd mapped into this process, seen by the core's queues as guest-physical
/// [<see cref="GuestBase"/>, +<see cref="Size"/>) through an <see cref="ExternalMemoryRegion"/>, and described to
/// the device as one memory-table region whose user address is the real mapping address. Rings and buffers are
/// carved out of it by a bump allocator.
/// </summary>
public sealed class FrontendMemory : IDisposable
{
    /// <summary>Guest-physical address of the first byte.</summary>
    public const ulong GuestBase = 0x4000_0000;

    private readonly SharedMemoryFile _file;
    private ulong _next;

    /// <summary>Creates <paramref name="size"/> bytes (rounded up to 2 MiB) of shared guest memory.</summary>
    /// <exception cref="IOException">The memfd could not be created or mapped.</exception>
    public FrontendMemory(ulong size)
    {
        Size = (size + 0x1F_FFFF) & ~0x1F_FFFFUL;
        _file = SharedMemoryFile.Create("virtsim-frontend-guest", Size);
        Memory = new GuestMemory(new ExternalMemoryRegion(GuestBase, _file.Mapping.Address, Size));
    }

    /// <summary>Size in bytes.</summary>
    public ulong Size { get; }

    /// <summary>The memory as the core's driver queues see it.</summary>
    public GuestMemory Memory { get; }

    /// <summary>The memfd (sent with SET_MEM_TABLE).</summary>
    public int Fd => _file.Fd;

    /// <summary>The front-end (user) address of guest-physical <paramref name="gpa"/>: what ring addresses are given as.</summary>
    public ulong UserAddress(ulong gpa) => (ulong)_file.Mapping.Address + (gpa - GuestBase);

    /// <summary>The SET_MEM_TABLE description of the memory.</summary>
    public MemoryTable Table => new([new MemoryRegionDescription(GuestBase, Size, (ulong)_file.Mapping.Address, 0)]);

    /// <summary>Reserves <paramref name="length"/> bytes aligned to <paramref name="alignment"/> (a power of two); returns their guest address.</summary>
    /// <exception cref="InvalidOperationException">The memory is exhausted (a sizing bug).</exception>
    public ulong Allocate(ulong length, ulong alignment = 64)
    {
        ulong start = (_next + alignment - 1) & ~(alignment - 1);
        if (start + length > Size) throw new InvalidOperationException($"guest memory of {Size} bytes is exhausted");
        _next = start + length;
        return GuestBase + start;
    }

    /// <summary>Unmaps and closes the memfd.</summary>
    public void Dispose() => _file.Dispose();
}
