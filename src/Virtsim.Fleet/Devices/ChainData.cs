using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// Finds the data of the next available chain of a ring in guest memory, for the <c>data</c> corruption fault: the last
/// device-readable buffer of the chain (split or packed ring, direct or one indirect table). Reads only; a chain it
/// cannot follow (a loop, an address outside memory) has none, and the device finds what is wrong when it serves it.
/// </summary>
public static class ChainData
{
    private const ushort Next = 1, Write = 2, Indirect = 4;

    /// <summary>The address and length of the chain's last device-readable buffer, or null when it has none.</summary>
    public static (ulong Address, uint Length)? LastReadable(GuestMemory memory, QueueState state)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(state);
        var config = state.Config;
        return config.Format == QueueFormat.Split ? Split(memory, config, state.NextAvail) : Packed(memory, config, state.NextAvail);
    }

    private static (ulong, uint)? Split(GuestMemory memory, QueueConfig config, ushort nextAvail)
    {
        int slot = nextAvail % config.Size;
        if (!memory.TryReadU16(config.DriverArea + 4 + 2 * (ulong)slot, out ushort index)) return null;
        (ulong, uint)? last = null;
        for (int hops = 0; hops < config.Size; hops++)
        {
            if (!Read(memory, config.DescriptorArea + (ulong)(index % config.Size) * 16, split: true, out var d)) return null;
            if ((d.Flags & Indirect) != 0) return Table(memory, d.Address, d.Length, split: true);
            if ((d.Flags & Write) == 0 && d.Length > 0) last = (d.Address, d.Length);
            if ((d.Flags & Next) == 0) return last;
            index = d.Next;
        }
        return null; // a loop
    }

    private static (ulong, uint)? Packed(GuestMemory memory, QueueConfig config, ushort nextAvail)
    {
        (ulong, uint)? last = null;
        for (int i = 0; i < config.Size; i++)
        {
            if (!Read(memory, config.DescriptorArea + (ulong)((nextAvail + i) % config.Size) * 16, split: false, out var d)) return null;
            if ((d.Flags & Indirect) != 0) return Table(memory, d.Address, d.Length, split: false);
            if ((d.Flags & Write) == 0 && d.Length > 0) last = (d.Address, d.Length);
            if ((d.Flags & Next) == 0) return last;
        }
        return null;
    }

    // An indirect table: its entries in order (a split table's chain follows next; a packed table is sequential).
    private static (ulong, uint)? Table(GuestMemory memory, ulong address, uint length, bool split)
    {
        int count = (int)Math.Min(length / 16, 1024);
        (ulong, uint)? last = null;
        int index = 0;
        for (int hops = 0; hops < count && index < count; hops++)
        {
            if (!Read(memory, address + (ulong)index * 16, split, out var d)) return null;
            if ((d.Flags & Write) == 0 && d.Length > 0) last = (d.Address, d.Length);
            if (split && (d.Flags & Next) == 0) return last;
            index = split ? d.Next : index + 1;
        }
        return last;
    }

    // Split: addr, len, flags, next. Packed: addr, len, id, flags.
    private static bool Read(GuestMemory memory, ulong at, bool split, out (ulong Address, uint Length, ushort Flags, ushort Next) d)
    {
        d = default;
        if (!memory.TryReadU64(at, out ulong address) || !memory.TryReadU32(at + 8, out uint length)
            || !memory.TryReadU16(at + (split ? 12UL : 14UL), out ushort flags) || !memory.TryReadU16(at + 14, out ushort next))
            return false;
        d = (address, length, flags, next);
        return true;
    }
}
