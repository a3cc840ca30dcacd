using Virtsim.Fleet.Vendors;

namespace Virtsim.Fleet.World;

/// <summary>
/// A device of a running VM switched to another implementation on the same host (for example from a hardware VF to a
/// vhost-user backend, to free the VF: overcommit) without the driver renegotiating: the device is stopped, its state
/// moved to the new implementation, which must present the same features (scenario key
/// <c>device-switches = [ { device = "h1/vm1/net0", vendor = swift-vhost, at = 3ms } ]</c>).
/// </summary>
/// <param name="At">When (virtual time from the start of the run).</param>
/// <param name="Device">"host/vm/device".</param>
/// <param name="Vendor">The new implementation.</param>
public sealed record DeviceSwitchSpec(TimeSpan At, string Device, VendorProfile Vendor);
