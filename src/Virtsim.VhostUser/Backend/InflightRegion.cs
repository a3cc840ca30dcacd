using Virtsim.VhostUser.Native;
using Virtsim.VhostUser.Protocol;

namespace Virtsim.VhostUser.Backend;

/// <summary>
/// The shared in-flight tracking region (INFLIGHT_SHMFD) mapped in this process: one area per ring laid out as
/// <see cref="InflightLayout"/> says. It outlives a back-end process (the front-end keeps the fd), which is what
/// lets a restarted back-end find the requests its predecessor had taken but not returned.
/// </summary>
public sealed class InflightRegion : IDisposable
{
    private readonly IDisposable _owner;

    private InflightRegion(IDisposable owner, nint address, InflightDescription description, bool packed)
    {
        _owner = owner;
        Address = address;
        Description = description;
        Packed = packed;
    }

    /// <summary>True when the areas have the packed layout (<see cref="PackedInflightLayout"/>), false for split.</summary>
    public bool Packed { get; }

    /// <summary>Size, offset, ring count and ring size.</summary>
    public InflightDescription Description { get; }

    /// <summary>Host address of the region's first byte.</summary>
    public nint Address { get; }

    /// <summary>The fd to hand a front-end when this process created the region (GET_INFLIGHT_FD), else -1.</summary>
    public int Fd => _owner is SharedMemoryFile file ? file.Fd : -1;

    /// <summary>Creates a zeroed region for <paramref name="numQueues"/> rings of <paramref name="queueSize"/> (GET_INFLIGHT_FD), packed or split layout.</summary>
    /// <exception cref="IOException">The memfd cannot be created or mapped.</exception>
    public static InflightRegion Create(ushort numQueues, ushort queueSize, bool packed = false)
    {
        ulong size = InflightLayout.RegionSize(numQueues, queueSize, packed);
        var file = SharedMemoryFile.Create("virtsim-inflight", size); // a new memfd reads as zeros
        return new InflightRegion(file, file.Mapping.Address, new InflightDescription(size, 0, numQueues, queueSize), packed);
    }

    /// <summary>
    /// Maps a region another process created, laid out for packed or split rings: the one a front-end hands over
    /// (SET_INFLIGHT_FD), or the one a device returns to a front-end (GET_INFLIGHT_FD). Errors name
    /// <paramref name="request"/>. The fd stays the caller's.
    /// </summary>
    /// <exception cref="VhostUserProtocolException">The region is too small for its rings or cannot be mapped.</exception>
    public static InflightRegion Map(int fd, InflightDescription description, bool packed = false, VhostUserRequest request = VhostUserRequest.SetInflightFd)
    {
        ulong needed = InflightLayout.RegionSize(description.NumQueues, description.QueueSize, packed);
        if (description.MmapSize < needed)
            throw new VhostUserProtocolException(request, $"inflight region of 0x{description.MmapSize:x} bytes is smaller than the 0x{needed:x} its {description.NumQueues} rings of {description.QueueSize} need");
        if (fd < 0) throw new VhostUserProtocolException(request, "no file descriptor attached");
        MappedMemory mapping;
        try { mapping = MappedMemory.Map(fd, description.MmapOffset, description.MmapSize); }
        catch (IOException e) { throw new VhostUserProtocolException(request, e.Message); }
        return new InflightRegion(mapping, mapping.Address, description, packed);
    }

    /// <summary>A tracker over ring <paramref name="queue"/>'s area (split layout).</summary>
    /// <exception cref="InvalidOperationException">The region has the packed layout.</exception>
    public SplitInflightTracker Tracker(int queue)
    {
        if (Packed) throw new InvalidOperationException("the region has the packed layout");
        return new SplitInflightTracker(AreaAddress(queue), Description.QueueSize);
    }

    /// <summary>A tracker over ring <paramref name="queue"/>'s area (packed layout).</summary>
    /// <exception cref="InvalidOperationException">The region has the split layout.</exception>
    public PackedInflightTracker PackedTracker(int queue)
    {
        if (!Packed) throw new InvalidOperationException("the region has the split layout");
        return new PackedInflightTracker(AreaAddress(queue), Description.QueueSize);
    }

    /// <summary>Ring <paramref name="queue"/>'s area, in the region's layout.</summary>
    public unsafe ReadOnlySpan<byte> Area(int queue) =>
        new((void*)AreaAddress(queue), (int)InflightLayout.QueueAreaSize(Description.QueueSize, Packed));

    private nint AreaAddress(int queue)
    {
        if ((uint)queue >= Description.NumQueues) throw new ArgumentOutOfRangeException(nameof(queue));
        return Address + (nint)InflightLayout.QueueAreaOffset(queue, Description.QueueSize, Packed);
    }

    /// <summary>Unmaps (and closes the memfd this process created).</summary>
    public void Dispose() => _owner.Dispose();
}
