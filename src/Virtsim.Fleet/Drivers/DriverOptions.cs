using Akka.Actor;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Metrics;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Drivers;

/// <summary>What a driver is given when its VM creates it.</summary>
public sealed record DriverOptions
{
    /// <summary>The device's transport endpoint.</summary>
    public required IActorRef Endpoint { get; init; }

    /// <summary>The VM's memory.</summary>
    public required GuestMemory Memory { get; init; }

    /// <summary>Where the rings and buffers go.</summary>
    public required DriverLayout Layout { get; init; }

    /// <summary>The run's counters.</summary>
    public required FleetMetrics Metrics { get; init; }

    /// <summary>Where the driver says whether it is ready or gave up (for the run's report), or null.</summary>
    public World.DeviceHealth? Health { get; init; }

    /// <summary>PCI (MSI-X) or MMIO (line).</summary>
    public TransportKind Transport { get; init; } = TransportKind.Pci;

    /// <summary>Interrupt-driven or poll mode.</summary>
    public DriverMode Mode { get; init; } = DriverMode.Interrupt;

    /// <summary>Queue size to program.</summary>
    public ushort QueueSize { get; init; } = 128;

    /// <summary>Ask for the packed ring.</summary>
    public bool PackedRing { get; init; }

    /// <summary>
    /// Interrupt mode: how long without an interrupt, requests in flight, before the driver looks at its used rings
    /// itself and rings busy queues' doorbells again (zero: never; docs/faults.md).
    /// </summary>
    public TimeSpan InterruptTimeout { get; init; }

    /// <summary>
    /// How many resets in a row, with no request completed between them, the driver does before it gives the device up
    /// (zero: never; docs/faults.md, "Driver give-up").
    /// </summary>
    public int MaxResets { get; init; } = 5;

    /// <summary>The driver gives up only when also this long passed without a completed request since the first of those resets.</summary>
    public TimeSpan ResetWindow { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Where a net driver reports the frames it failed when it gave its device up (to their receivers), or null.</summary>
    public Devices.FrameLoss? FrameLoss { get; init; }

    /// <summary>Poll mode: how often the used rings are checked.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMicroseconds(5);

    /// <summary>
    /// True at flow fidelity: the driver initialises the device as always but keeps no rings in guest memory; it hands
    /// its requests over in batches (<see cref="Messages.Flow.FlowSubmit"/>) and takes batched completions.
    /// </summary>
    public bool Flow { get; init; }
}
