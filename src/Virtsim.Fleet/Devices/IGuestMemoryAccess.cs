using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// How a device's queues reach its VM's memory: the seam between a device on its VM's node, whose DMA view is the
/// VM's own memory (<see cref="LocalGuestMemoryAccess"/>: every pass runs at once), and a device on another node,
/// which holds only the bytes it fetched with <see cref="Messages.Dma.DmaRead"/>s and sends what it wrote back as
/// <see cref="Messages.Dma.DmaWrite"/>s (<see cref="RemoteGuestMemory"/>). The queue code is the same for both: it
/// asks <see cref="Prepare"/> before a pass, fetches what is missing, and sends <see cref="TakeWrites"/> after it.
/// </summary>
public interface IGuestMemoryAccess
{
    /// <summary>True when the device's memory view is the VM's memory itself: nothing to fetch or write back.</summary>
    bool IsLocal { get; }

    /// <summary>
    /// Before a pass over <paramref name="queue"/>: adds to <paramref name="missing"/> the guest ranges the pass will
    /// read that are not here yet, and returns true when there are none (the pass may run).
    /// </summary>
    bool Prepare(IDeviceQueue queue, List<(ulong Address, uint Length)> missing);

    /// <summary>The bytes of a fetched range arrived (a <see cref="Messages.Dma.DmaCompleted"/> of a read).</summary>
    void Fill(ulong address, ReadOnlySpan<byte> data);

    /// <summary>Moves the ranges the pass wrote, in the order written, into <paramref name="writes"/>.</summary>
    void TakeWrites(List<(ulong Address, byte[] Data)> writes);

    /// <summary>The pass is over and its writes were sent: what was fetched is stale from now on (the guest may change it).</summary>
    void EndPass();
}
