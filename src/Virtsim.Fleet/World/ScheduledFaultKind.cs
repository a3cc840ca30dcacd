namespace Virtsim.Fleet.World;

/// <summary>The faults a scenario file can schedule (<c>faults = [ { at, kind, device } ]</c>).</summary>
public enum ScheduledFaultKind : byte
{
    /// <summary>
    /// <c>backend-crash</c>: the device's backend actor crashes and is restarted by its supervisor (a blk backend by its
    /// device actor, a net backend by its host); a net backend's held frames are lost and reported.
    /// </summary>
    BackendCrash,
    /// <summary>
    /// <c>device-crash</c>: the device's actor (the device model, its queues, a blk device's backend child) crashes and is
    /// restarted by its host; it comes back from its journal, so the scenario runs with persistence. A net device loses
    /// the frames it held (reported to their workloads).
    /// </summary>
    DeviceCrash,
    /// <summary>
    /// <c>host-crash</c> (<c>host = h2</c>): the host and everything on it stop. A migration to it fails before its
    /// switchover (the VM keeps running on the source); a VM it was sending in post-copy is lost; its own VMs are lost.
    /// </summary>
    HostCrash,
    /// <summary>
    /// <c>link-failure</c> (<c>host = h1</c>, optional <c>duration</c>): the host's NIC carries nothing (for
    /// <c>duration</c>, or for good); each migration over it aborts or waits, as its <c>on-link-failure</c> says.
    /// </summary>
    LinkFailure,
    /// <summary>
    /// <c>refuse-device-state</c> (<c>device = "h1/vm1/blk0"</c>): the destination refuses that device's state at its
    /// VM's next switchover; the migration rolls back and the VM goes on at the source.
    /// </summary>
    RefuseDeviceState,
    /// <summary>
    /// <c>iommu-unmap</c> (<c>device = "h1/vm1/blk0"</c>, optional <c>duration</c>): the device's window of guest memory
    /// (its rings and buffers) is taken out of its VM's IOMMU domain for <c>duration</c>, or for good when 0; the device's
    /// DMA there faults, so it reports DEVICE_NEEDS_RESET with the fault as its reason.
    /// </summary>
    IommuUnmap,
    /// <summary>
    /// <c>corrupt-memory</c> (<c>device = "h1/vm1/blk0"</c>, <c>queue</c>, <c>target = descriptor | avail-index | data</c>):
    /// the device's ring (or a chain's data) in guest memory is corrupted when it next serves that queue, or at its passes
    /// in a window with a probability (<see cref="FaultSpec.Corruption"/>, <see cref="FaultSpec.Until"/>).
    /// </summary>
    CorruptMemory,
}
