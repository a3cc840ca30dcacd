namespace Virtsim.Fleet.Vendors;

/// <summary>Where a device implementation runs; decides how its doorbells, DMA and interrupts cost time.</summary>
public enum BackendKind : byte
{
    /// <summary>Emulated inside the hypervisor (QEMU-style): every doorbell is a VM exit.</summary>
    InHypervisor,
    /// <summary>A software backend in another process (vhost-user-style): doorbells are VM exits plus an eventfd kick.</summary>
    VhostUser,
    /// <summary>A hardware virtual function (SR-IOV VF): doorbells are posted PCIe writes, DMA crosses the bus.</summary>
    HardwareVf,
    /// <summary>
    /// A hardware datapath behind vDPA (a vendor driver plus the kernel's mediation layer): timed as a VF, migrated
    /// through the mediation layer; one that cannot log its own writes is migrated with a shadow virtqueue.
    /// </summary>
    Vdpa,
}
