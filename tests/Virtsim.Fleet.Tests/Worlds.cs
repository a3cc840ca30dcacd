using Virtsim.Fleet.Devices;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Vendors;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests;

/// <summary>Small worlds the tests build.</summary>
internal static class Worlds
{
    public static WorldSpec OneDevice(DeviceSpec device) => new()
    {
        Name = "one",
        Hosts = [new HostSpec { Name = "host-1", Vms = [new VmSpec { Name = "vm-1", Devices = [device] }] }],
    };

    /// <summary>
    /// The vendor's stock profile with at least 4 us of service per request (or frame), so that requests are still at
    /// the backend when a crash comes (a stock VF answers within a fraction of a microsecond and is mostly idle).
    /// </summary>
    public static VendorProfile Slowed(string vendor)
    {
        var profile = VendorProfiles.Find(vendor) ?? throw new ArgumentException($"no vendor profile {vendor}", nameof(vendor));
        return profile with { Timing = profile.Timing with { PerRequestCost = TimeSpan.FromTicks(Math.Max(40, profile.Timing.PerRequestCost.Ticks)) } };
    }

    public static DeviceSpec Blk(TransportKind transport, VendorProfile profile, int requests = 200, bool packed = false,
        DriverMode mode = DriverMode.Interrupt) => new()
    {
        Name = "blk0",
        Kind = DeviceKind.Blk,
        Transport = transport,
        Profile = profile,
        Requests = requests,
        PackedRing = packed,
        DriverMode = mode,
        DiskSectors = 1 << 14,
    };

    public static DeviceSpec Net(TransportKind transport, VendorProfile profile, int frames = 200, DriverMode mode = DriverMode.Interrupt) => new()
    {
        Name = "net0",
        Kind = DeviceKind.Net,
        Transport = transport,
        Profile = profile,
        Requests = frames,
        DriverMode = mode,
    };

    public static WorldSpec TwoVmsExchangingFrames(DeviceSpec a, DeviceSpec b) => new()
    {
        Name = "pair",
        Hosts =
        [
            new HostSpec { Name = "host-1", Vms = [new VmSpec { Name = "vm-1", Devices = [a] }] },
            new HostSpec { Name = "host-2", Vms = [new VmSpec { Name = "vm-2", Devices = [b] }] },
        ],
    };
}
