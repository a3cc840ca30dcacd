using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.World;
using Virtsim.Hocon;

namespace Virtsim.Fleet.Tests.Backends;

public class BackendCrashScenarioTests
{
    private const string World = """
        scenario { name = crashes, seed = 5 }
        hosts = [ { name = h, vms = [ { name = vm, devices = [
          { name = blk0, type = blk, vendor = swift-vhost, requests = 600, write-cache = false }
          { name = net0, type = net, vendor = swift-vhost, requests = 10 }
        ] } ] } ]
        """;

    // The disk runs writethrough (write-cache = false): with the default writeback cache a crash may lose completed but
    // unflushed writes, which the blk spec allows and the workload's read-back would report as integrity errors.
    [Fact]
    public void Backend_crashes_scheduled_in_a_scenario_are_injected_and_nothing_is_lost()
    {
        var spec = ScenarioLoader.Parse(World + "\n" + """
            faults = [
              { at = 200us, kind = backend-crash, device = "h/vm/blk0" }
              { at = 700us, kind = backend-crash, device = "h/vm/blk0" }
            ]
            """);
        Assert.Equal([TimeSpan.FromMicroseconds(200), TimeSpan.FromMicroseconds(700)], spec.Faults.Select(f => f.At));
        Assert.All(spec.Faults, f => Assert.Equal((ScheduledFaultKind.BackendCrash, "h/vm/blk0"), (f.Kind, f.Device)));
        Assert.False(spec.Hosts[0].Vms[0].Devices[0].WriteCache);

        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);
        Assert.True(report.Completed, report.ToJson());
        Assert.Equal(2, report[FleetCounter.BackendCrashes]);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.Equal(0, report.Duplicates);
        var blk = world.Results.First(r => r.Path == "h/vm/blk0");
        Assert.Equal(blk.Issued, blk.Completed);
    }

    private const string TwoNetVms = """
        scenario { name = net-crashes, seed = 11 }
        defaults { net { requests = 1200, frame-size = 1024 } }
        hosts = [ { name = h, vms = [
          { name = vm1, devices = [ { name = net0, type = net, vendor = swift-vhost } ] }
          { name = vm2, devices = [ { name = net0, type = net, vendor = qemu-emu, transport = mmio } ] }
        ] } ]
        faults = [
          { at = 150us, kind = backend-crash, device = "h/vm1/net0" }
          { at = 400us, kind = backend-crash, device = "h/vm2/net0" }
          { at = 800us, kind = backend-crash, device = "h/vm1/net0" }
        ]
        """;

    [Fact]
    public void Net_backend_crashes_scheduled_in_a_scenario_drop_frames_that_are_reported_and_the_run_ends()
    {
        var spec = ScenarioLoader.Parse(TwoNetVms);
        Assert.Equal(["h/vm1/net0", "h/vm2/net0", "h/vm1/net0"], spec.Faults.Select(f => f.Device));

        var report = FleetRunner.Run(spec, spec.DefaultSeed, null, null, out var world);
        Assert.Equal(3, report[FleetCounter.BackendCrashes]);
        Assert.True(report.FramesDroppedByCrash > 0, report.ToJson());
        Assert.Equal(report[FleetCounter.NetBackendFramesDropped], report.FramesDroppedByCrash);
        Assert.True(report.Completed, report.ToJson());
        // lost == dropped by the crashes: every other frame arrived exactly once.
        Assert.Equal(report.FramesDroppedByCrash, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.IntegrityErrors);
        Assert.True(report.PassedChecks, report.ToJson());
        Assert.All(world.Results, r => Assert.Equal(1200, r.Completed + r.DroppedByCrash));
        Assert.Contains("\"framesDroppedByCrash\":" + report.FramesDroppedByCrash, report.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ at = 1us, kind = power-cut, device = "h/vm/blk0" }""", "unknown fault kind 'power-cut'")]
    [InlineData("""{ at = 1us, kind = backend-crash, device = "h/vm/blk9" }""", "no device 'h/vm/blk9'")]
    [InlineData("""{ at = -1us, kind = backend-crash, device = "h/vm/net0" }""", "at must not be negative")]
    [InlineData("""{ at = 1us, kind = backend-crash, device = "h/net0" }""", "no device 'h/net0'")]
    public void Bad_faults_are_errors_with_a_position(string fault, string message)
    {
        var error = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + "\nfaults = [ " + fault + " ]"));
        Assert.Contains(message, error.Message);
        Assert.Contains(":", error.Message);
    }
}
