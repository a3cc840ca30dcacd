using Akka.Actor;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Endpoints;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Tests.Backends;

/// <summary>
/// Net backend crashes under load, on the simulation dispatcher. A crashed backend loses the frames it held, as a
/// crashed software switch port does, and reports them to the workloads they were meant for; those stop waiting for
/// them, so the run completes. What the tests pin down is that the loss is exactly the frames counted as dropped, that
/// every other frame arrives exactly once and uncorrupted, and that traffic goes on after each restart.
/// </summary>
public class NetBackendCrashTests
{
    private const int Frames = 1500;

    // Slowed profiles, so that frames are held when a crash comes.
    private static DeviceSpec Device(string name) => Worlds.Net(TransportKind.Pci, Worlds.Slowed(name), Frames);

    private static WorldSpec Pair(string profile) => Worlds.TwoVmsExchangingFrames(Device(profile), Device(profile)) with
    {
        MaxVirtualTime = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>The net backend of host-1's vm-1/net0.</summary>
    private static IActorRef Backend(FleetWorld world) =>
        world.System.ResolveLocal(world.System.UserGuardianPath().Child("host-1").Child(NetBackendActor.NameFor("vm-1-net0")));

    private static RunReport RunWithCrashes(string profile, int seed, TimeSpan[] at, out FleetWorld world, List<long>? deliveredAtCrash = null)
    {
        return FleetRunner.Run(Pair(profile), seed, null, (w, sim) =>
        {
            foreach (var t in at)
                sim.Schedule(t, () =>
                {
                    deliveredAtCrash?.Add(w.Metrics[FleetCounter.FramesDelivered]);
                    Backend(w).Tell(new CrashBackend("injected"), null);
                });
        }, out world);
    }

    [Theory]
    [InlineData("acme-vf", 3)]
    [InlineData("swift-vhost", 5)]
    [InlineData("qemu-emu", 7)]
    public void Crashes_mid_load_lose_exactly_the_dropped_frames_and_traffic_goes_on(string profile, int seed)
    {
        var at = new[] { TimeSpan.FromMicroseconds(150), TimeSpan.FromMicroseconds(400), TimeSpan.FromMicroseconds(700) };
        var delivered = new List<long>();
        var report = RunWithCrashes(profile, seed, at, out var world, delivered);

        Assert.Equal(3, report[FleetCounter.BackendCrashes]);
        long dropped = report[FleetCounter.NetBackendFramesDropped];
        Assert.True(dropped >= 1, "no frame was held at any crash: " + report.ToJson());
        // Every frame sent either arrived exactly once or was dropped by the crashed backend, and the receivers were
        // told which: the run ends by itself and passes its checks.
        Assert.True(report.Completed, report.ToJson());
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(dropped, report.Lost);
        Assert.Equal(dropped, report.FramesDroppedByCrash);
        Assert.Equal(dropped, world.Results.Sum(r => r.DroppedByCrash));
        Assert.True(report.VirtualTime < TimeSpan.FromMilliseconds(50), report.ToJson()); // not the idle backstop
        Assert.Equal(2 * Frames - dropped, report[FleetCounter.FramesDelivered]);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.All(world.Results, r => Assert.Equal(Frames, r.Issued));
        // The backend came back each time: frames kept arriving after every crash, most of the load after the last.
        Assert.Equal(3, delivered.Count);
        Assert.True(delivered[^1] < report[FleetCounter.FramesDelivered] / 2, $"{string.Join(", ", delivered)} then {report.ToJson()}");
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
    }

    [Fact]
    public void A_backend_crash_sent_to_the_device_actor_reaches_the_net_backend()
    {
        var report = FleetRunner.Run(Pair("swift-vhost"), 9, null, (w, sim) =>
        {
            foreach (var us in new[] { 300, 900 })
                sim.Schedule(TimeSpan.FromMicroseconds(us), () => w.Endpoint("host-1/vm-1/net0").Tell(new CrashBackend("via the device"), null));
        }, out var world);

        Assert.Equal(2, report[FleetCounter.BackendCrashes]);
        Assert.Equal(2, report[FleetCounter.FaultsInjected]);
        Assert.True(report.Completed, report.ToJson());
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.Equal(report[FleetCounter.NetBackendFramesDropped], report.FramesDroppedByCrash);
        Assert.Equal(report.FramesDroppedByCrash, report.Lost);
        Assert.Equal(0, report[FleetCounter.DeviceNeedsReset]);
    }

    [Fact]
    public void Only_frames_dropped_by_crashes_may_be_lost_in_a_passing_run()
    {
        var report = new RunReport
        {
            Scenario = "s", Seed = 1, TraceHash = 0, Messages = 0, Completed = true, Requests = 1, Lost = 3, Duplicates = 0,
            IntegrityErrors = 0, VirtualTime = TimeSpan.Zero, WallTime = TimeSpan.Zero, Counters = new Dictionary<string, long>(),
            FramesDroppedByCrash = 3,
        };
        Assert.True(report.PassedChecks);
        Assert.False((report with { Lost = 4 }).PassedChecks);
        Assert.False((report with { FramesDroppedByCrash = 0 }).PassedChecks);
        Assert.False((report with { Duplicates = 1 }).PassedChecks);
    }

    [Fact]
    public void Without_crashes_the_same_world_loses_nothing()
    {
        var report = FleetRunner.Run(Pair("swift-vhost"), 5);
        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(0, report.Lost);
        Assert.Equal(2 * Frames, report[FleetCounter.FramesDelivered]);
        Assert.Equal(0, report[FleetCounter.NetBackendFramesDropped]);
    }

    [Fact]
    public void The_same_seed_with_crashes_gives_the_same_trace_hash()
    {
        var at = new[] { TimeSpan.FromMicroseconds(200), TimeSpan.FromMicroseconds(900) };
        var a = RunWithCrashes("swift-vhost", 21, at, out _);
        var b = RunWithCrashes("swift-vhost", 21, at, out _);
        Assert.Equal(2, a[FleetCounter.BackendCrashes]);
        Assert.Equal(a.TraceHash, b.TraceHash);
        Assert.Equal(a.VirtualTime, b.VirtualTime);
        Assert.Equal(a.Counters, b.Counters);
    }

    [Fact]
    public void More_crashes_than_the_restart_limit_stop_the_backend_and_cut_the_device_off()
    {
        var at = Enumerable.Range(0, TransportEndpointActor.MaxBackendRestarts + 1).Select(i => TimeSpan.FromMicroseconds(100 + i)).ToArray();
        var report = RunWithCrashes("acme-vf", 1, at, out var world);

        Assert.False(report.Completed);
        Assert.Equal(TransportEndpointActor.MaxBackendRestarts + 1, report[FleetCounter.BackendCrashes]);
        Assert.Equal(0, report.Duplicates);
        // The cable is cut: vm-2 gets nothing vm-1 sends after the stop, and vm-1 nothing at all from then on.
        Assert.True(report.Lost > report[FleetCounter.NetBackendFramesDropped], report.ToJson());
        Assert.True(report.Lost > report.FramesDroppedByCrash, report.ToJson());
        Assert.False(report.PassedChecks);
        Assert.True(world.Results.All(r => r.Completed < Frames), report.ToJson());
    }
}
