using Virtsim.Virtio.Queues;

namespace Virtsim.Fleet.Devices;

/// <summary>A device on its VM's node: its DMA view is the VM's memory, so a pass needs nothing fetched and writes nothing back.</summary>
public sealed class LocalGuestMemoryAccess : IGuestMemoryAccess
{
    /// <summary>The one instance (it has no state).</summary>
    public static LocalGuestMemoryAccess Instance { get; } = new();

    private LocalGuestMemoryAccess()
    {
    }

    /// <inheritdoc />
    public bool IsLocal => true;

    /// <inheritdoc />
    public bool Prepare(IDeviceQueue queue, List<(ulong Address, uint Length)> missing) => true;

    /// <inheritdoc />
    public void Fill(ulong address, ReadOnlySpan<byte> data)
    {
    }

    /// <inheritdoc />
    public void TakeWrites(List<(ulong Address, byte[] Data)> writes)
    {
    }

    /// <inheritdoc />
    public void EndPass()
    {
    }
}
