using Virtsim.Virtio.Queues;

namespace Virtsim.VhostUser.Backend;

/// <summary>What a session lends a device between doorbells: its started rings and their interrupts.</summary>
public interface IRingAccess
{
    /// <summary>The queue of ring <paramref name="index"/> when it is started, enabled and not broken.</summary>
    bool TryGetActive(int index, out IDeviceQueue queue);

    /// <summary>Signals the driver on ring <paramref name="index"/> (its call eventfd).</summary>
    void Interrupt(int index);

    /// <summary>Reports a broken ring: it stops being served and its error eventfd is signalled.</summary>
    void Broken(int index, QueueError error);
}
