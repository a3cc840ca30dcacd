using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.World;

/// <summary>One virtio device of a VM, its driver and the workload that drives it.</summary>
public sealed record DeviceSpec
{
    /// <summary>The device's name within its VM.</summary>
    public required string Name { get; init; }

    /// <summary>blk or net.</summary>
    public required DeviceKind Kind { get; init; }

    /// <summary>PCI or MMIO.</summary>
    public TransportKind Transport { get; init; } = TransportKind.Pci;

    /// <summary>The implementation.</summary>
    public required VendorProfile Profile { get; init; }

    /// <summary>Interrupt-driven or poll-mode driver.</summary>
    public DriverMode DriverMode { get; init; } = DriverMode.Interrupt;

    /// <summary>True when the driver asks for the packed ring (taken when the device offers it).</summary>
    public bool PackedRing { get; init; }

    /// <summary>Queue size the driver programs.</summary>
    public ushort QueueSize { get; init; } = 128;

    /// <summary>blk: random writes to issue (then a flush and a read-back of every block); net: frames to send.</summary>
    public int Requests { get; init; } = 100;

    /// <summary>blk: bytes per request (a multiple of 512, at most 4096).</summary>
    public int BlockSize { get; init; } = 4096;

    /// <summary>blk: the disk's size in 512-byte sectors.</summary>
    public ulong DiskSectors { get; init; } = 1 << 15;

    /// <summary>blk: requests the workload keeps in flight; net: frames queued at once.</summary>
    public int QueueDepth { get; init; } = 32;

    /// <summary>
    /// blk: the disk starts in writeback mode (true, the default: completed writes are durable only after a FLUSH) or
    /// writethrough (false: every completed write is durable). The device offers CONFIG_WCE either way. Scenario key
    /// <c>write-cache</c>.
    /// </summary>
    public bool WriteCache { get; init; } = true;

    /// <summary>
    /// True (the default) when the device's DMA writes mark the VM's dirty log (the IOMMU's or the backend's log); false
    /// is the configuration mistake live migration must catch: its writes reach the source's memory only, and the
    /// destination's memory then differs (scenario key <c>dirty-tracking</c>).
    /// </summary>
    public bool DirtyTracking { get; init; } = true;

    /// <summary>
    /// Interrupt-driven drivers: how long without an interrupt, requests in flight, before the driver looks at its used
    /// rings itself and rings busy queues' doorbells again (<see cref="TimeSpan.Zero"/>: never).
    /// </summary>
    public TimeSpan InterruptTimeout { get; init; }

    /// <summary>
    /// How many resets in a row without a completed request the driver does before it gives the device up and fails
    /// what it holds (scenario key <c>max-resets</c>; zero: never gives up).
    /// </summary>
    public int MaxResets { get; init; } = 5;

    /// <summary>
    /// With <see cref="MaxResets"/>: the driver gives up only when this long (virtual time) also passed without a
    /// completed request since the first of those resets (scenario key <c>reset-window</c>).
    /// </summary>
    public TimeSpan ResetWindow { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The vendor profiles the device may migrate between (scenario key <c>migration-pool</c>): its mediation layer
    /// offers only the features every one of them (and its own profile) offers, so the driver negotiates a set any
    /// member can present. Empty: the device offers its own profile's features.
    /// </summary>
    public IReadOnlyList<VendorProfile> MigrationPool { get; init; } = [];

    /// <summary>net: frame size in bytes (60..1514).</summary>
    public int FrameSize { get; init; } = 256;

    /// <summary>Ring (every request through rings in guest memory, the default) or flow (rates and queues; scenario key <c>fidelity</c>).</summary>
    public Flow.Fidelity Fidelity { get; init; } = Flow.Fidelity.Ring;

    /// <summary>flow: completions due within this window reach the driver as one event, at the window's end (scenario key <c>flow-batch</c>).</summary>
    public TimeSpan FlowBatch { get; init; } = TimeSpan.FromMicroseconds(10);
}
