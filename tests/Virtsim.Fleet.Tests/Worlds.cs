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
