using Akka.Actor;
using Virtsim.Fleet.Drivers;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>
/// Two VMs exchanging frames while the device actor of one (or both) net devices crashes at seeded times, on the
/// simulation dispatcher over any store; and the checks: every frame delivered at most once, and the frames lost are
/// exactly those the crashes dropped (reported to their receivers), none otherwise.
/// </summary>
internal static class NetCrashLoad
{
    public const string First = "host-1/vm-1/net0";
    public const string Second = "host-2/vm-2/net0";

    /// <summary>A net device of the vendor, slowed (<see cref="Worlds.Slowed"/>) so that frames queue up when a crash comes.</summary>
    public static DeviceSpec Device(string vendor, int frames, TransportKind transport = TransportKind.Pci, DriverMode mode = DriverMode.Interrupt) =>
        Worlds.Net(transport, Worlds.Slowed(vendor), frames, mode) with { QueueDepth = 32 };

    /// <summary>
    /// Runs <paramref name="a"/> and <paramref name="b"/> exchanging frames; <paramref name="deviceCrashes"/> device crashes
    /// (alternating between the two devices) and <paramref name="backendCrashes"/> backend crashes of the first, at seeded times.
    /// </summary>
    public static RunReport Run(DeviceSpec a, DeviceSpec b, int seed, FleetPersistence persistence, int deviceCrashes, int backendCrashes,
        out FleetWorld world)
    {
        var random = new Random(seed);
        var faults = Enumerable.Range(0, deviceCrashes + backendCrashes)
            .Select(i => (At: TimeSpan.FromMicroseconds(40 + random.Next(600)), Device: i < deviceCrashes, Target: i % 2 == 0 ? First : Second))
            .ToList();
        var spec = Worlds.TwoVmsExchangingFrames(a, b) with { MaxVirtualTime = TimeSpan.FromMilliseconds(200) };
        return FleetRunner.Run(spec, seed, persistence, null, (w, sim) =>
        {
            foreach (var (at, isDevice, target) in faults)
            {
                object message = isDevice ? new CrashDevice("injected") : new CrashBackend("injected");
                sim.Schedule(at, () => w.Endpoint(isDevice ? target : First).Tell(message, ActorRefs.NoSender));
            }
        }, out world);
    }

    /// <summary>Every frame arrived at most once, and every frame that did not arrive was dropped by a crash and reported.</summary>
    public static void AssertAtMostOnceAndOnlyCrashLosses(RunReport report, FleetWorld world, int deviceCrashes)
    {
        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(deviceCrashes, report[FleetCounter.DeviceCrashes]);
        Assert.Equal(deviceCrashes, report.Recoveries.Count);
        // Split rings resume exactly: no reset, so no frame resubmitted (which could arrive twice).
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(report.FramesDroppedByCrash, report.Lost);
        // Without flooding (the switch learned both MACs before the first crash) every frame held at a crash was meant
        // for one of the two workloads: the counters and the receivers agree.
        Assert.Equal(report[FleetCounter.NetDeviceFramesDropped] + report[FleetCounter.NetBackendFramesDropped], report.FramesDroppedByCrash);
        Assert.True(report.PassedChecks, report.ToJson());
        foreach (var d in world.Devices)
            Assert.Equal(d.ExpectedInbound, d.Workload.Completed + d.Workload.DroppedByCrash);
    }
}
