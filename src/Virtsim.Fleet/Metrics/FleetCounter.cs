namespace Virtsim.Fleet.Metrics;

/// <summary>The counters a fleet run keeps (see <see cref="FleetMetrics"/>).</summary>
public enum FleetCounter
{
    /// <summary>Block requests completed to the application (writes, reads, flushes).</summary>
    BlkRequests,
    /// <summary>Frames the receiving application got (once each).</summary>
    FramesDelivered,
    /// <summary>Frames whose transmit buffers the device returned.</summary>
    FramesSent,
    /// <summary>Payload bytes completed (blk data and frames).</summary>
    Bytes,
    /// <summary>Doorbells drivers rang.</summary>
    Doorbells,
    /// <summary>MSI-X interrupts delivered to drivers.</summary>
    MsixInterrupts,
    /// <summary>Line (INTx / MMIO) interrupts delivered to drivers.</summary>
    LineInterrupts,
    /// <summary>Configuration change notifications drivers saw (MSI-X config vector or ISR config bit).</summary>
    ConfigInterrupts,
    /// <summary>Register operations drivers performed through endpoints.</summary>
    ConfigAccesses,
    /// <summary>Device descriptor reads.</summary>
    DmaDescriptor,
    /// <summary>Device ring index and flags accesses.</summary>
    DmaRingIndex,
    /// <summary>Device ring entry accesses.</summary>
    DmaRingEntry,
    /// <summary>Device payload reads.</summary>
    DmaDataRead,
    /// <summary>Device payload writes.</summary>
    DmaDataWrite,
    /// <summary>Device event suppression accesses.</summary>
    DmaEventSuppression,
    /// <summary>Single DMA reads and writes served by hosts (DmaRead / DmaWrite messages).</summary>
    DmaTransfers,
    /// <summary>DMA requests the IOMMU refused.</summary>
    DmaFaults,
    /// <summary>Times a device entered DEVICE_NEEDS_RESET.</summary>
    DeviceNeedsReset,
    /// <summary>Times a driver reset and re-initialised a device after an error.</summary>
    DriverRecoveries,
    /// <summary>Requests a driver resubmitted after a reset.</summary>
    Resubmitted,
    /// <summary>Checksums that did not match (blk read-back or frame payload).</summary>
    IntegrityErrors,
    /// <summary>Completions or frames seen more than once.</summary>
    Duplicates,
    /// <summary>Faults injected.</summary>
    FaultsInjected,
    /// <summary>Driver initialisations that failed.</summary>
    InitFailures,
    /// <summary>Requests a device handed to its backend actor (resends included).</summary>
    BackendRequests,
    /// <summary>Requests a device sent again to its backend after the backend restarted.</summary>
    BackendResent,
    /// <summary>Backend crashes (each followed by a restart, unless the restart limit stopped the backend).</summary>
    BackendCrashes,
    /// <summary>Frames a net backend held (being served, either way) when it crashed: lost, as on a real crashed switch port.</summary>
    NetBackendFramesDropped,
    /// <summary>Device actor crashes (each followed by a restart of the device actor).</summary>
    DeviceCrashes,
    /// <summary>Device actors that came back from their journal after a crash.</summary>
    DeviceRecoveries,
    /// <summary>Persistent backends that rebuilt their disk from snapshot + journal (every start of one).</summary>
    BackendRecoveries,
    /// <summary>Backend events (writes, flushes, cache losses) written to the journal.</summary>
    DiskEventsJournaled,
    /// <summary>
    /// Backend events handed to the journal. More than <see cref="DiskEventsJournaled"/> when a backend crashed with
    /// writes in flight: the journal may hold such an event although the crashed backend never heard it was durable.
    /// </summary>
    DiskEventsSent,
    /// <summary>Device state events written to the journal.</summary>
    DeviceEventsJournaled,
    /// <summary>
    /// Frames a net device actor held when it crashed (waiting for receive buffers, or transmitted in a pass whose DMA
    /// time had not passed): lost with the crashed incarnation, as a crashed backend's.
    /// </summary>
    NetDeviceFramesDropped,
    /// <summary>
    /// Configuration accesses a crashed device had taken and not answered (its image was not durable yet), completed
    /// with an abort so that the driver starts over instead of waiting forever.
    /// </summary>
    ConfigAccessesAborted,
    /// <summary>
    /// Frames sent to a migrated VM's old switch port (or held by its stopped device) before the switch learned the new
    /// one, and frames sent to a crashed host's ports until an announce moved their MACs: lost by migration, reported to
    /// their workloads.
    /// </summary>
    FramesLostByMigration,
    /// <summary>Requests a software device had in flight when a migration stopped it, resubmitted at the destination (vhost-user's inflight area).</summary>
    MigrationRequestsResubmitted,
    /// <summary>Requests a hardware device completed while a migration stopped it (outstanding DMA finished and written back).</summary>
    MigrationRequestsDrained,
    /// <summary>Requests served through a shadow virtqueue (a vDPA device that cannot log its own writes, during a migration).</summary>
    ShadowVirtqueueRequests,
    /// <summary>Guest memory page writes simulated while migrations watched (dirty-rate).</summary>
    GuestPageWrites,
    /// <summary>Migration snapshots of device state written to device journals.</summary>
    DeviceStateSnapshots,
    /// <summary>Frames a switched device's old implementation held (received for the guest, or sent by it) that moved to its new implementation on the same host.</summary>
    FramesMovedBySwitch,
    /// <summary>
    /// DMA reads and writes a device sent for an IOMMU domain not its VM's (another VM's, or none on the host): refused
    /// with a fault, and a broken invariant (no-dma-outside-iommu-domain).
    /// </summary>
    DmaOutsideDomain,
    /// <summary>Times an interrupt-driven driver's lost-interrupt timer found the device silent and looked at the rings itself (interrupt-timeout).</summary>
    InterruptTimeouts,
    /// <summary>DMA reads and writes a host served for a device on another node (messages that crossed nodes).</summary>
    RemoteDmaMessages,
    /// <summary>Bytes those DMA messages carried (read replies and written data).</summary>
    RemoteDmaBytes,
    /// <summary>Reads of guest memory by a device on another node of bytes it had not fetched (read as zero; should stay 0).</summary>
    RemoteDmaMisses,
    /// <summary>DMA a device gave up as lost after its vendor's dma-timeout (the device then needed a reset).</summary>
    DmaTimeouts,
    /// <summary>Requests (used buffers) that devices arriving by migration completed at their destination (after the switchover).</summary>
    ArrivedDeviceRequests,
    /// <summary>Drivers that gave their device up after max-resets resets in a row without a completed request.</summary>
    DriversGaveUp,
    /// <summary>Requests (blk) and frames to send (net) a driver failed when it gave its device up, instead of holding them for ever.</summary>
    RequestsFailedByDriver,
    /// <summary>Timers a host's actors set for themselves whose wait a clock-skew fault's drift changed (fired earlier or later).</summary>
    ClockSkewedTimers,
    /// <summary>Pending timers a clock-skew fault's offset moved when the host's clock stepped.</summary>
    ClockSteppedTimers,
}
