using System.Diagnostics;
using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Conformance;

/// <summary>Short ways to write cases.</summary>
internal static class CaseBuilder
{
    public static readonly IReadOnlyList<VhostUserDeviceKind> AnyDevice = [VhostUserDeviceKind.Net, VhostUserDeviceKind.Blk];
    public static readonly IReadOnlyList<VhostUserDeviceKind> NetOnly = [VhostUserDeviceKind.Net];
    public static readonly IReadOnlyList<VhostUserDeviceKind> BlkOnly = [VhostUserDeviceKind.Blk];

    /// <summary>A driver-side case.</summary>
    public static ConformanceCase Driver(string id, string title, string section, string requirement, QueueFormat? format,
        Action<HostileDriver> inject, IReadOnlyList<VhostUserDeviceKind>? devices = null, DriverSetup? setup = null, bool requiresIndirect = false) =>
        new(id, title, section, requirement, ViolationSide.Driver, format, devices ?? AnyDevice)
        {
            Inject = inject,
            Setup = (setup ?? DriverSetup.Default) with { RequiresIndirect = requiresIndirect },
        };

    /// <summary>A device-side case.</summary>
    public static ConformanceCase Device(string id, string title, string section, string requirement, QueueFormat? format,
        DeviceFault fault, IReadOnlyList<VhostUserDeviceKind>? devices = null) =>
        new(id, title, section, requirement, ViolationSide.Device, format, devices ?? NetOnly) { Fault = fault };

    /// <summary><paramref name="segments"/> with segment <paramref name="index"/> changed.</summary>
    public static RawSegment[] Replace(RawSegment[] segments, int index, Func<RawSegment, RawSegment> change)
    {
        var copy = segments.ToArray();
        copy[index] = change(copy[index]);
        return copy;
    }

    /// <summary>Waits up to a second for the device to use the first chain of the fresh ring.</summary>
    public static void WaitUsed(HostileDriver d)
    {
        var clock = Stopwatch.StartNew();
        while (!d.FirstChainUsed(out _) && clock.ElapsedMilliseconds < 1000) Thread.Sleep(5);
    }
}
