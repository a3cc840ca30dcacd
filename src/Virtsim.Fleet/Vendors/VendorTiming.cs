namespace Virtsim.Fleet.Vendors;

/// <summary>
/// How a device implementation behaves in (virtual) time. Every cost here advances the simulation clock through
/// engine timers; nothing reads the system clock.
/// </summary>
public sealed record VendorTiming
{
    /// <summary>Cost of one doorbell between the driver's register write and the queue seeing it: a VM exit for software, a posted write for hardware.</summary>
    public TimeSpan DoorbellCost { get; init; } = TimeSpan.FromMicroseconds(2);

    /// <summary>Latency of one device memory transaction (a PCIe round trip for hardware, a cache miss for software).</summary>
    public TimeSpan DmaLatencyPerTransaction { get; init; } = TimeSpan.FromTicks(1);

    /// <summary>Transactions the device keeps in flight at once (descriptors fetched in parallel).</summary>
    public int ParallelTransactions { get; init; } = 1;

    /// <summary>
    /// Extra parallelism when VIRTIO_F_NOTIFICATION_DATA is negotiated: the device knows from the doorbell how many
    /// descriptors are available and fetches them together. Multiplies <see cref="ParallelTransactions"/>.
    /// </summary>
    public int NotificationDataFetchBoost { get; init; } = 1;

    /// <summary>Service time per request in the backend (software CPU time or device pipeline).</summary>
    public TimeSpan PerRequestCost { get; init; } = TimeSpan.FromMicroseconds(1);

    /// <summary>Service time per KiB of payload.</summary>
    public TimeSpan PerKibCost { get; init; } = TimeSpan.FromTicks(1);

    /// <summary>
    /// vhost-user backends only: cost of waking the backend's worker thread when it was idle (the eventfd kick is read
    /// and the thread scheduled) before it starts serving. A busy backend polls on and does not pay it again.
    /// </summary>
    public TimeSpan BackendWakeupCost { get; init; } = TimeSpan.FromMicroseconds(5);

    /// <summary>
    /// vDPA devices that cannot log their own writes: what the hypervisor's shadow virtqueue costs per request while a
    /// migration runs (it relays the rings so it sees every write into guest memory).
    /// </summary>
    public TimeSpan ShadowVirtqueueCost { get; init; } = TimeSpan.FromMicroseconds(2);

    /// <summary>Interrupt coalescing window: used buffer notifications within it are merged into one (zero: none).</summary>
    public TimeSpan InterruptCoalescing { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long a queue waits for its DMA (a pass's batch, a fetch, a write back) to complete before it gives the DMA
    /// up as lost and sets DEVICE_NEEDS_RESET naming it, as a PCIe completion timeout does (zero: waits for ever).
    /// </summary>
    public TimeSpan DmaTimeout { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Cost of delivering one interrupt to the guest (posted interrupt for hardware, irqfd injection for software).</summary>
    public TimeSpan InterruptCost { get; init; } = TimeSpan.FromMicroseconds(1);
}
