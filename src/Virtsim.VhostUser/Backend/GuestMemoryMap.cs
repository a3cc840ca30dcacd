using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Memory;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The front-end's memory as this process sees it: every SET_MEM_TABLE region mmap'd from its fd (at its
/// mmap_offset) and wrapped in an <see cref="ExternalMemoryRegion"/> keyed by guest-physical address, plus the
/// user-address to guest-physical translation SET_VRING_ADDR needs. Disposing unmaps everything.
/// </summary>
public sealed class GuestMemoryMap : IDisposable
{
    private readonly MappedMemory[] _mappings;

    private GuestMemoryMap(MemoryTable table, MappedMemory[] mappings, GuestMemory memory)
    {
        Table = table;
        _mappings = mappings;
        Memory = memory;
    }

    /// <summary>The table the map was built from.</summary>
    public MemoryTable Table { get; }

    /// <summary>The guest-physical address space over the mappings.</summary>
    public GuestMemory Memory { get; }

    /// <summary>Total mapped bytes.</summary>
    public ulong TotalSize => Table.Regions.Aggregate(0UL, (sum, r) => sum + r.Size);

    /// <summary>Highest guest-physical address covered, plus one.</summary>
    public ulong GuestEnd => Table.Regions.Max(r => r.GuestAddress + r.Size);

    /// <summary>Maps every region of a validated <paramref name="table"/> from <paramref name="fds"/> (one per region, same order).</summary>
    /// <exception cref="VhostUserProtocolException">A region cannot be mapped (bad fd, offset past the file).</exception>
    public static GuestMemoryMap Map(MemoryTable table, IReadOnlyList<int> fds)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (fds.Count != table.Regions.Count)
            throw new VhostUserProtocolException(VhostUserRequest.SetMemTable, $"{table.Regions.Count} regions but {fds.Count} file descriptors");
        var mappings = new List<MappedMemory>();
        try
        {
            var memory = new GuestMemory();
            for (int i = 0; i < table.Regions.Count; i++)
            {
                var region = table.Regions[i];
                MappedMemory mapping;
                try { mapping = MappedMemory.Map(fds[i], region.MmapOffset, region.Size); }
                catch (IOException e) { throw new VhostUserProtocolException(VhostUserRequest.SetMemTable, $"region {i}: {e.Message}"); }
                mappings.Add(mapping);
                memory.AddRegion(new ExternalMemoryRegion(region.GuestAddress, mapping.Address, region.Size));
            }
            return new GuestMemoryMap(table, [.. mappings], memory);
        }
        catch
        {
            foreach (var m in mappings) m.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Translates the front-end user range [<paramref name="userAddress"/>, +<paramref name="length"/>) to a
    /// guest-physical address; the whole range must lie in one region.
    /// </summary>
    public bool TryTranslateUser(ulong userAddress, ulong length, out ulong guestAddress)
    {
        foreach (var region in Table.Regions)
        {
            if (region.ContainsUser(userAddress, length))
            {
                guestAddress = region.GuestAddress + (userAddress - region.UserAddress);
                return true;
            }
        }
        guestAddress = 0;
        return false;
    }

    /// <summary>Unmaps every region.</summary>
    public void Dispose()
    {
        foreach (var m in _mappings) m.Dispose();
    }
}
