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

    [Theory]
    [InlineData("""{ at = 1us, kind = power-cut, device = "h/vm/blk0" }""", "unknown fault kind 'power-cut'")]
    [InlineData("""{ at = 1us, kind = backend-crash, device = "h/vm/blk9" }""", "no device 'h/vm/blk9'")]
    [InlineData("""{ at = 1us, kind = backend-crash, device = "h/vm/net0" }""", "needs a blk device")]
    public void Bad_faults_are_errors_with_a_position(string fault, string message)
    {
        var error = Assert.Throws<HoconException>(() => ScenarioLoader.Parse(World + "\nfaults = [ " + fault + " ]"));
        Assert.Contains(message, error.Message);
        Assert.Contains(":", error.Message);
    }
}
