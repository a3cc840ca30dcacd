using Virtsim.Fleet.Migration;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Hosts;

/// <summary>
/// A VM's memory on one host: the region its bytes live in (sparse), the dirty log of this host's copy, the devices'
/// and host's view (their DMA marks the log through their <see cref="DeviceMemory"/>), and the guest's view, which its
/// drivers hold. The guest's view marks the log itself when the world migrates VMs (<see cref="DirtyTrackingRegion"/>);
/// at a switchover it is pointed at the destination's copy (<see cref="AttachGuest"/>), so the guest goes on with the
/// same drivers over the moved memory.
/// </summary>
public sealed class VmMemory
{
    private readonly bool _trackGuest;

    private VmMemory(SparseMemoryRegion region, GuestMemory guest, bool trackGuest)
    {
        Region = region;
        DirtyLog = new DirtyLog(region.Size);
        Devices = new GuestMemory(region);
        Guest = guest;
        _trackGuest = trackGuest;
    }

    /// <summary>A new VM's memory of <paramref name="bytes"/>; <paramref name="trackGuest"/>: its guest's accesses mark the dirty log.</summary>
    public static VmMemory Create(ulong bytes, bool trackGuest)
    {
        var region = new SparseMemoryRegion(0, bytes);
        var memory = new VmMemory(region, new GuestMemory(), trackGuest);
        memory.AttachGuest();
        return memory;
    }

    /// <summary>
    /// A VM's memory arriving at a destination in <paramref name="region"/> (the copy the migration filled), for the
    /// guest whose view is <paramref name="guest"/>; the guest keeps using its old copy until <see cref="AttachGuest"/>.
    /// </summary>
    public static VmMemory Arriving(SparseMemoryRegion region, GuestMemory guest) => new(region, guest, trackGuest: true);

    /// <summary>Where the bytes live.</summary>
    public SparseMemoryRegion Region { get; }

    /// <summary>The dirty log of this copy: the guest's writes (when tracked) and the devices' DMA writes (when theirs are tracked).</summary>
    public DirtyLog DirtyLog { get; }

    /// <summary>The devices' and the host's view.</summary>
    public GuestMemory Devices { get; }

    /// <summary>The guest's view (its drivers' memory).</summary>
    public GuestMemory Guest { get; }

    /// <summary>Points the guest's view at this copy (its only region from now on).</summary>
    public void AttachGuest()
    {
        foreach (var old in Guest.Regions.ToList()) Guest.RemoveRegion(old);
        Guest.AddRegion(_trackGuest ? new DirtyTrackingRegion(Region, DirtyLog) : Region);
    }
}
