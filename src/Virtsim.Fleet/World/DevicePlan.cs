using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.World;

/// <summary>A device as the world builder resolved it: where it lives, its MAC and peer, its disk.</summary>
/// <param name="Spec">The device.</param>
/// <param name="Path">"host/vm/device".</param>
/// <param name="IndexInVm">The device's position in its VM (selects its guest memory window).</param>
/// <param name="Mac">net: the device's MAC address.</param>
/// <param name="PeerMac">net: where its workload sends frames.</param>
/// <param name="ExpectedInbound">net: frames other workloads send to it.</param>
/// <param name="Store">blk: the disk.</param>
/// <param name="Workload">Where the workload reports its results.</param>
/// <param name="PeerPath">net: the "host/vm/device" its workload sends frames to, or null when it has no peer.</param>
public sealed record DevicePlan(DeviceSpec Spec, string Path, int IndexInVm, byte[] Mac, byte[] PeerMac, int ExpectedInbound,
    MemoryBlockStore? Store, WorkloadResult Workload, string? PeerPath = null)
{
    /// <summary>Where its driver and device actor report their state (failures, DEVICE_NEEDS_RESET) for the run's report.</summary>
    public DeviceHealth Health { get; } = new();
}
